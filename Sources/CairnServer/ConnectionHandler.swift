import Cairn
import CairnRESP
import NIOCore

/// One client connection on its event loop: parses requests where the bytes
/// are read (no per-command trip through the pipeline), hands each read's
/// batch of requests to the engine executor, and writes the replies strictly
/// in request order, one flush per batch.
///
/// A batch's replies are held until the log released the last record they
/// depend on (`GroupCommitLog.whenReleased`, never a blocking wait); a later
/// batch that is ready sooner waits behind it in `output`. This queue is also
/// where a blocked client (BLPOP ...) parks: its batch simply stays unready
/// until the executor serves it, its deadline passes or CLIENT UNBLOCK.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: ServerContext
    private var parser: RESPRequestParser
    private var client: ClientState?
    private var channelContext: ChannelHandlerContext?

    /// Until AUTH succeeds, requests go one at a time so each is parsed with
    /// the limits in force when it arrives (Redis processes, then parses on).
    private var authenticated: Bool
    private var awaitingUnauthenticatedReply = false
    private var closing = false

    /// A batch's replies, or a pub/sub message (`isPush`) placed after the
    /// batch it was published after.
    private struct Pending {
        let id: UInt64
        var bytes: [UInt8]?
        var close = false
        var isPush = false
    }
    private var subscribed = false
    /// Its bytes are counted in the client's `replyBacklog` until written.
    private var output = CircularBuffer<Pending>()
    /// Since when the pending output has been above the soft limit.
    private var overSoftLimitSince: ContinuousClock.Instant?
    private var nextBatchID: UInt64 = 0
    private var idleCheck: RepeatedTask?

    init(server: ServerContext) {
        self.server = server
        let config = server.config
        authenticated = config.requirePassword == nil
        parser = RESPRequestParser(limits: RESPLimits(
            maxBulkLength: config.protoMaxBulkLengthBytes, authenticated: authenticated))
    }

    // MARK: Accepting

    func channelActive(context: ChannelHandlerContext) {
        channelContext = context
        let config = server.config
        let client = ClientState(id: server.registry.makeID(), channel: context.channel, authenticated: authenticated)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let backlog = client.replyBacklog
        client.deliverPush = { bytes, batch in
            backlog.add(bytes.count)
            loop.execute { handler.value.push(bytes, after: batch) }
        }
        let log = server.executor.log
        let stats = server.stats
        client.deliverResult = { id, result in
            guard let token = result.lastToken, token.sequence > log.releasedThrough else {
                let bytes = result.bytes(failure: nil, releasedThrough: 0)
                backlog.add(bytes.count)
                loop.execute { handler.value.deliver(id, bytes, result) }
                return
            }
            // Always called inside an executor task, which wakes the log thread after it.
            log.whenReleased(token.sequence, wakesLogThread: false) { error in
                if error != nil { stats.logFailed.store(true, ordering: .relaxed) }
                let bytes = result.bytes(failure: error, releasedThrough: log.releasedThrough)
                backlog.add(bytes.count)
                loop.execute { handler.value.deliver(id, bytes, result) }
            }
        }
        // acceptCommonHandler checks maxclients first; then
        // clientAcceptHandler's protected mode refuses remote clients while
        // the default user has no password.
        guard server.registry.register(client, limit: config.maxClients) else {
            server.stats.rejectedConnections.add(1, ordering: .relaxed)
            return refuse(context, "-ERR max number of clients reached\r\n")
        }
        server.stats.connectionsReceived.add(1, ordering: .relaxed)
        if config.protectedMode && config.requirePassword == nil && !client.isLocal {
            server.stats.rejectedConnections.add(1, ordering: .relaxed)
            server.registry.remove(client.id)
            return refuse(context, ConnectionHandler.deniedMessage)
        }
        self.client = client
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            handler.value.closeIfIdle()
        }
        context.fireChannelActive()
    }

    private func refuse(_ context: ChannelHandlerContext, _ message: String) {
        closing = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: message))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// clientsCronHandleTimeout: `timeout` seconds without traffic closes a
    /// client, unless it waits for replies (a batch in flight is not idle)
    /// or is subscribed to a channel or pattern, or monitors.
    private func closeIfIdle() {
        enforceOutputLimit()
        let config = server.config
        guard let client, let context = channelContext, !closing, output.isEmpty, !subscribed else { return }
        let timeout = config.timeoutSeconds
        if timeout > 0 && client.idleSeconds > Int64(timeout) {
            closing = true
            context.close(promise: nil)
        }
    }

    /// freeClient: the connection lets go of everything at once. The
    /// handler and its `ClientState` reference each other (the client's
    /// deliver closures hold the handler), so both links are cut here, or
    /// every closed connection would keep both, its channel, its partial
    /// query (up to a 512 MB bulk) and its unsent replies for good. The
    /// executor then forgets the client in every table that names it.
    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        idleCheck?.cancel()
        idleCheck = nil
        parser = RESPRequestParser(limits: parser.limits)
        output.removeAll()
        if let client {
            self.client = nil
            server.registry.remove(client.id)
            let server = self.server
            server.executor.async { store in
                client.closing = true
                server.blocking.remove(client)
                client.heldBatches = []
                CommandProcessor(context: server, store: store, client: client).discardTransaction()
                server.pubsub.registry.unsubscribeAll(client.id)
                server.monitors.remove(client.id)
                client.deliverPush = nil
                client.deliverResult = nil
            }
        }
        channelContext = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let buffer = unwrapInboundIn(data)
        client?.touch()
        parser.append(buffer.readableBytesView)
        // readQueryFromClient: past client-query-buffer-limit, the client
        // is closed before anything more of its input runs.
        let limit = server.limits.queryBufferBytes
        guard parser.bufferedByteCount <= limit else {
            let address = client?.remoteAddress ?? "?"
            server.logger.warning(
                "Closing client that reached max query buffer length: \(address) (\(parser.bufferedByteCount) bytes buffered, limit \(limit))")
            closing = true
            parser = RESPRequestParser(limits: parser.limits)
            context.close(promise: nil)
            return
        }
        drainParser()
    }

    /// Collects the complete requests buffered so far into one batch; a
    /// protocol error ends the batch and, once the replies before it are
    /// out, the connection (after `-ERR Protocol error: ...`). A command that
    /// may block starts a batch of its own, so the replies before it leave
    /// at once, as Redis writes them before the client blocks.
    private func drainParser() {
        guard !closing, !awaitingUnauthenticatedReply else { return }
        var batch: [[Bytes]] = []
        var failure: RESPProtocolError?
        parsing: while let result = parser.next() {
            switch result {
            case .command(let argv):
                if !batch.isEmpty, CommandTable.lookup(argv[0])?.flags.contains(.mayBlock) == true {
                    submit(batch)
                    batch = []
                }
                batch.append(argv)
                if !authenticated { break parsing }
            case .protocolError(let error):
                failure = error
                break parsing
            }
        }
        if !batch.isEmpty { submit(batch) }
        if let failure {
            var writer = RESPWriter(version: .resp2)
            writer.protocolError(failure)
            closing = true
            output.append(Pending(id: nextID(), bytes: writer.buffer, close: true))
            client?.replyBacklog.add(writer.buffer.count)
            writeReady()
        }
    }

    private func nextID() -> UInt64 {
        nextBatchID += 1
        return nextBatchID
    }

    private func submit(_ batch: [[Bytes]]) {
        guard let client, channelContext != nil else { return }
        let id = nextID()
        output.append(Pending(id: id, bytes: nil))
        if !authenticated { awaitingUnauthenticatedReply = true }
        let server = self.server
        server.executor.run { store in
            CommandProcessor(context: server, store: store, client: client).run(batch, id: id)
        }
    }

    /// A batch's replies may go: write every ready batch at the head of the
    /// queue, then flush once.
    private func deliver(_ id: UInt64, _ bytes: [UInt8], _ result: BatchResult) {
        guard channelContext != nil else { return }
        if result.overOutputLimit { return closeOverOutputLimit() }
        if let index = output.firstIndex(where: { $0.id == id && !$0.isPush }) {
            output[index].bytes = bytes
            output[index].close = result.close
        }
        subscribed = result.subscribed
        if result.authenticated != authenticated {
            authenticated = result.authenticated
            parser.limits.authenticated = authenticated
        }
        writeReady()
        enforceOutputLimit()
        if awaitingUnauthenticatedReply {
            awaitingUnauthenticatedReply = false
            drainParser()
        }
    }

    /// A message published to this client: written after the replies of
    /// batch `batch` (the last one that ran before PUBLISH) and before any
    /// later batch's, as Redis appends it to the output buffer at PUBLISH
    /// time; a batch still waiting for its log sync holds the message back.
    private func push(_ bytes: [UInt8], after batch: UInt64) {
        guard channelContext != nil, !closing else { return }
        let index = output.firstIndex(where: { $0.id > batch }) ?? output.endIndex
        output.insert(Pending(id: batch, bytes: bytes, isPush: true), at: index)
        writeReady()
        enforceOutputLimit()
    }

    private func writeReady() {
        guard let context = channelContext else { return }
        var wrote = false
        while let head = output.first, let bytes = head.bytes {
            output.removeFirst()
            client?.replyBacklog.remove(bytes.count)
            if !bytes.isEmpty {
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                wrote = true
            }
            if head.close {
                closing = true
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                    channel.close(promise: nil)
                }
                return
            }
        }
        if wrote {
            client?.touch()
            context.flush()
        }
    }

    /// checkClientOutputBufferLimits: a client whose pending output (what
    /// NIO has not sent yet, plus its `replyBacklog`) passes its class's
    /// hard limit, or stays above the soft limit for longer than its
    /// seconds, is closed at once (a subscriber that does not read must not
    /// make the server hold every message for it). Checked as replies and
    /// messages reach the connection and every second; a batch checks the
    /// hard limit itself as it adds replies (`CommandProcessor.resume`).
    private func enforceOutputLimit() {
        guard let context = channelContext, let client, !closing else { return }
        let limit = server.limits.output(subscribed: subscribed)
        guard !limit.isUnlimited else { return }
        let unsent = (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        guard limit.isReached(unsent + client.replyBacklog.bytes, softSince: &overSoftLimitSince) else { return }
        closeOverOutputLimit()
    }

    /// freeClient for the output buffer limit: what is still queued is
    /// dropped, not written.
    private func closeOverOutputLimit() {
        guard let context = channelContext, !closing else { return }
        server.logger.warning("Client \(client?.remoteAddress ?? "?") closed for overcoming of output buffer limits.")
        closing = true
        context.close(promise: nil)
    }

    /// networking.c clientAcceptHandler's protected-mode refusal, verbatim.
    static let deniedMessage = "-DENIED Redis is running in protected mode because protected "
        + "mode is enabled and no password is set for the default user. "
        + "In this mode connections are only accepted from the loopback interface. "
        + "If you want to connect from external computers to Redis you "
        + "may adopt one of the following solutions: "
        + "1) Just disable protected mode sending the command "
        + "'CONFIG SET protected-mode no' from the loopback interface "
        + "by connecting to Redis from the same host the server is "
        + "running, however MAKE SURE Redis is not publicly accessible "
        + "from internet if you do so. Use CONFIG REWRITE to make this "
        + "change permanent. "
        + "2) Alternatively you can just disable the protected mode by "
        + "editing the Redis configuration file, and setting the protected "
        + "mode option to 'no', and then restarting the server. "
        + "3) If you started the server manually just for testing, restart "
        + "it with the '--protected-mode no' option. "
        + "4) Setup a an authentication password for the default user. "
        + "NOTE: You only need to do one of the above things in order for "
        + "the server to start accepting connections from the outside.\r\n"
}
