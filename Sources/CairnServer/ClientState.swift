import Cairn
import CairnRESP
import NIOCore
import Synchronization

/// One connected client's server-side state: what Redis keeps in `client`
/// (networking.c) apart from its buffers.
///
/// Confinement: every field below the registry's is read and written only on
/// the engine executor's queue (commands run there, CLIENT LIST reads other
/// clients there), so no lock guards them; `@unchecked Sendable` records that
/// promise. The event loop owns only the channel and the parser
/// (`ConnectionHandler`); what it needs to know back (protocol version,
/// authenticated, close) travels in the `BatchResult`.
///
/// Blocking commands (BLPOP and friends): a parked client has `blocked`
/// set (see `BlockedClients`); a write to one of its keys, its deadline or
/// CLIENT UNBLOCK ends the wait, and the rest of its batch then runs and is
/// handed to the connection through `deliverResult` like any batch result.
final class ClientState: @unchecked Sendable {
    let id: UInt64
    let channel: any Channel
    let remoteAddress: String
    let localAddress: String
    let createdAt: ContinuousClock.Instant

    /// Set on the event loop on every read and write, read by the idle check
    /// and CLIENT LIST: an atomic, like `replyBacklog`.
    let lastInteraction = Atomic<Int64>(0)
    /// What the server holds for this client and has not given NIO yet.
    let replyBacklog = ReplyBacklog()

    // MARK: Executor-confined

    var session = Session()
    var authenticated: Bool
    var name: [UInt8]? = nil
    /// The MULTI queue; nil outside MULTI.
    var transaction: [[Bytes]]? = nil
    /// A command failed to queue: EXEC must answer EXECABORT (Redis's CLIENT_DIRTY_EXEC).
    var transactionFailed = false
    var watched: [WatchedKey] = []
    /// CLIENT REPLY OFF / SKIP.
    var replyMode: ReplyMode = .on
    /// The last command's name, for CLIENT LIST's `cmd=`.
    var lastCommand = "NULL"
    /// QUIT, CLIENT KILL of itself, a fatal error: no later command runs.
    var closing = false
    /// The connection's number of the last batch that ran: a message
    /// published to this client afterwards is written after that batch's
    /// replies and before any later batch's (Redis's output-buffer order).
    var lastExecutedBatch: UInt64 = 0
    /// The batch running now: what this client's own pushes (a monitor
    /// seeing its own command) are written after.
    var runningBatch: UInt64 = 0
    /// Hands an encoded push (a pub/sub message) to the connection's event
    /// loop, to be written after batch `lastExecutedBatch`. Set once before
    /// the client is registered.
    var deliverPush: (@Sendable (_ bytes: [UInt8], _ afterBatch: UInt64) -> Void)?

    /// The wait of a client parked by BLPOP and friends.
    var blocked: BlockedWait?
    /// Served or unblocked, its batch not yet resumed: new batches still wait.
    var resuming = false
    /// Batches that arrived while the client was blocked, in order.
    var heldBatches: [(id: UInt64, batch: [[Bytes]])] = []
    /// Hands a finished batch's result to the connection (set once before
    /// the client is registered).
    var deliverResult: (@Sendable (_ id: UInt64, _ result: BatchResult) -> Void)?

    enum ReplyMode { case on, off, skipNext }

    /// A key under WATCH: Redis's watchedKey, with `expiredAtWatch` as 7.0's
    /// `expired` flag (a key already logically expired when watched does not
    /// fail EXEC by being deleted later).
    struct WatchedKey {
        var database: Int
        var key: Bytes
        var version: UInt64
        var expiredAtWatch: Bool
    }

    init(id: UInt64, channel: any Channel, authenticated: Bool) {
        self.id = id
        self.channel = channel
        self.authenticated = authenticated
        remoteAddress = ClientState.render(channel.remoteAddress)
        localAddress = ClientState.render(channel.localAddress)
        createdAt = .now
        touch()
    }

    var protocolVersion: RESPVersion { session.protocolVersion == 3 ? .resp3 : .resp2 }

    func touch() {
        lastInteraction.store(ClientState.monotonicSeconds(), ordering: .relaxed)
    }

    var idleSeconds: Int64 { ClientState.monotonicSeconds() - lastInteraction.load(ordering: .relaxed) }

    static func monotonicSeconds() -> Int64 {
        ProcessClock.start.duration(to: .now).components.seconds
    }

    /// `ip:port` as Redis's genClientAddrString writes it.
    static func render(_ address: SocketAddress?) -> String {
        guard let address else { return "?:0" }
        let ip = address.ipAddress ?? "?"
        return "\(ip):\(address.port ?? 0)"
    }

    /// Whether the peer is on the loopback interface (networking.c islocalClient).
    var isLocal: Bool {
        let ip = channel.remoteAddress?.ipAddress ?? ""
        return ip == "127.0.0.1" || ip == "::1" || ip.hasPrefix("::ffff:127.0.0.1")
    }

    /// One CLIENT LIST / CLIENT INFO line (catClientInfoString), with Cairn's
    /// buffer figures as zeros: they describe Redis's allocator, not ours.
    func infoLine(channels: Int = 0, patterns: Int = 0, monitoring: Bool = false) -> String {
        // catClientInfoString's order.
        var flags = ""
        if monitoring { flags += "O" }
        if channels + patterns > 0 { flags += "P" }
        if transaction != nil { flags += "x" }
        if blocked != nil { flags += "b" }
        if closing { flags += "c" }
        if flags.isEmpty { flags = "N" }
        let age = createdAt.duration(to: .now).components.seconds
        let nameText = name.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "id=\(id) addr=\(remoteAddress) laddr=\(localAddress) fd=0 name=\(nameText) age=\(age) "
            + "idle=\(max(0, idleSeconds)) flags=\(flags) db=\(session.database) sub=\(channels) psub=\(patterns) ssub=0 "
            + "multi=\(transaction.map { $0.count } ?? -1) qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 "
            + "rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=\(lastCommand) user=default "
            + "redir=-1 resp=\(session.protocolVersion)"
    }
}

/// Bytes of replies and messages made for one client that its connection
/// has not handed to NIO yet (waiting for a log sync, on their way to the
/// event loop, or behind an earlier batch): counted where the deliver
/// closures take them, uncounted where the connection writes them. With
/// what NIO has not sent, this is the client's output buffer that
/// `client-output-buffer-limit` bounds, and a batch still adding replies
/// checks itself against it (Redis's reply_bytes). Its own object so the
/// closures can count without holding the client.
final class ReplyBacklog: Sendable {
    private let count = Atomic<Int>(0)

    var bytes: Int { count.load(ordering: .relaxed) }
    func add(_ bytes: Int) { count.add(bytes, ordering: .relaxed) }
    func remove(_ bytes: Int) { count.subtract(bytes, ordering: .relaxed) }
}

/// The start of the process, for a monotonic seconds count.
enum ProcessClock {
    static let start = ContinuousClock.now
}

/// Every connected client, by id: for CLIENT LIST/KILL, `maxclients` and
/// shutdown. Registration happens on event loops and lookups on the
/// executor, so a mutex guards the table (not the clients' fields).
final class ClientRegistry: Sendable {
    private let clients = Mutex<[UInt64: ClientState]>([:])
    private let nextID = Atomic<UInt64>(1)

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).oldValue }

    /// Adds `client` unless `limit` clients are connected already.
    func register(_ client: ClientState, limit: Int) -> Bool {
        clients.withLock { table in
            guard table.count < limit else { return false }
            table[client.id] = client
            return true
        }
    }

    func remove(_ id: UInt64) {
        _ = clients.withLock { $0.removeValue(forKey: id) }
    }

    func client(_ id: UInt64) -> ClientState? {
        clients.withLock { $0[id] }
    }

    var all: [ClientState] {
        clients.withLock { Array($0.values) }.sorted { $0.id < $1.id }
    }

    var count: Int { clients.withLock { $0.count } }
}
