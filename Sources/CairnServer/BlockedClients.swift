import Cairn
import CairnRESP
import Foundation

/// A client parked by a blocking command (Redis's `CLIENT_BLOCKED`): what
/// it waits for, and the rest of its batch, which runs once it is served,
/// times out or is unblocked (Redis leaves later commands in the query
/// buffer meanwhile). The replies of the batch written before the blocking
/// command wait in `collector` with it.
/// `@unchecked Sendable`: it moves between executor work items only.
struct BlockedWait: @unchecked Sendable {
    var request: BlockRequest
    var batchID: UInt64
    var collector: ReplyCollector
    var remaining: ArraySlice<[Bytes]>
    /// Tells a stale deadline timer from the current wait.
    var generation: UInt64
}

/// The clients blocked on keys (Redis's `db->blocking_keys`), confined to
/// the engine executor like the engine. Per key a FIFO: the client that
/// blocked first is served first (`serveClientsBlockedOnKey`).
final class BlockedClients: @unchecked Sendable {
    private struct Key: Hashable {
        var database: Int
        var key: Bytes
    }

    private var waiting: [Key: [UInt64]] = [:]
    /// Keys in the order they were first waited on: the order ready keys are tried.
    private var keyOrder: [Key] = []
    private var clients: [UInt64: ClientState] = [:]
    private var generation: UInt64 = 0
    private var serving = false

    var count: Int { clients.count }

    /// Parks `client` on the request's keys until `deadline` (executor queue).
    func park(_ client: ClientState, _ wait: BlockedWait, context: ServerContext) {
        generation += 1
        var wait = wait
        wait.generation = generation
        client.blocked = wait
        clients[client.id] = client
        for key in wait.request.keys {
            let entry = Key(database: wait.request.database, key: key)
            if waiting[entry] == nil { keyOrder.append(entry) }
            waiting[entry, default: []].append(client.id)
        }
        let deadline = wait.request.deadline
        guard deadline > 0 else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let generation = wait.generation
        // Weak: a client that disconnects is freed now, not at its deadline.
        context.executor.after(milliseconds: max(0, deadline - now)) { [weak client] store in
            guard let client, client.blocked?.generation == generation else { return }
            self.unblock(client, with: BlockRequest.timeoutReply, context: context, store: store)
        }
    }

    /// Forgets `client` (served, timed out, unblocked or disconnected).
    func remove(_ client: ClientState) {
        guard clients.removeValue(forKey: client.id) != nil, let wait = client.blocked else { return }
        for key in wait.request.keys {
            let entry = Key(database: wait.request.database, key: key)
            waiting[entry]?.removeAll { $0 == client.id }
            if waiting[entry]?.isEmpty == true {
                waiting[entry] = nil
                keyOrder.removeAll { $0 == entry }
            }
        }
        client.blocked = nil
    }

    /// Ends a wait with `reply` (a timeout, CLIENT UNBLOCK): the client's
    /// batch goes on after the executor's current work.
    func unblock(_ client: ClientState, with reply: Reply, token: DurabilityToken? = nil,
                 context: ServerContext, store: DurableEngine) {
        guard var wait = client.blocked else { return }
        remove(client)
        wait.collector.add(reply, token: token, version: client.protocolVersion)
        client.resuming = true
        let finished = wait
        context.executor.async { store in
            client.resuming = false
            CommandProcessor(context: context, store: store, client: client)
                .resume(finished.remaining, id: finished.batchID, collector: finished.collector)
        }
    }

    /// `handleClientsBlockedOnKeys`: after a command ran, serves the clients
    /// blocked on keys that now hold data, FIFO per key, each by running
    /// its command narrowed to that key (logged like any write). Repeats
    /// while serving fed other keys (BLMOVE's push).
    func serveReady(context: ServerContext, store: DurableEngine) {
        guard !serving, !clients.isEmpty else { return }
        serving = true
        defer { serving = false }
        var served = true
        while served {
            served = false
            for entry in keyOrder {
                for id in waiting[entry] ?? [] {
                    guard let client = clients[id], let wait = client.blocked,
                          store.engine.canServe(wait.request, key: entry.key) else { continue }
                    var session = client.session
                    session.database = wait.request.database
                    let retry = wait.request.retryArguments(servingKey: entry.key)
                    do throws(StorageError) {
                        let result = try store.submit(retry, session: &session)
                        guard result.execution.block == nil else { continue }
                        unblock(client, with: result.execution.reply, token: result.token, context: context, store: store)
                    } catch {
                        context.stats.logFailed.store(true, ordering: .relaxed)
                        unblock(client, with: .error(ReplyCollector.durabilityError(error)), context: context, store: store)
                    }
                    served = true
                }
            }
        }
    }
}
