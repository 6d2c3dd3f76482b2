import Cairn
import CairnRESP

/// CLIENT subcommands (networking.c clientCommand, 7.0.15). Cairn has no
/// replicas or tracking: `TYPE pubsub` matches the clients with a
/// subscription, `TYPE normal` the others, `TYPE replica|master` none.
extension ServerCommands {
    func client(_ argv: [Bytes]) -> Reply {
        if argv[1].is("help") && argv.count == 2 { return ServerCommands.clientHelp }
        if let error = ServerCommands.checkImplemented(argv, ServerCommands.clientSubcommands) { return error }
        let count = argv.count
        let sub = argv[1]
        if sub.is("id") && count == 2 { return .integer(Int64(client.id)) }
        if sub.is("info") && count == 2 { return .verbatim(format: "txt", text: text(infoLine(of: client) + "\n")) }
        if sub.is("getname") && count == 2 { return client.name.map(Reply.bulk) ?? .null }
        if sub.is("setname") && count == 3 { return setName(argv[2]) ?? .simple("OK") }
        if sub.is("list") { return list(argv) }
        if sub.is("kill") { return kill(argv) }
        if sub.is("unblock") && (count == 3 || count == 4) { return unblock(argv) }
        if sub.is("reply") && count == 3 {
            if argv[2].is("on") {
                client.replyMode = .on
                return .simple("OK")
            }
            if argv[2].is("off") {
                client.replyMode = .off
                return .simple("OK")  // not sent: OFF silences itself
            }
            if argv[2].is("skip") {
                client.replyMode = .skipNext
                return .simple("OK")  // not sent either
            }
            return .error(ServerError.syntax.line)
        }
        if sub.is("no-evict") && count == 3 {
            // Cairn evicts no clients; the flag is accepted as Redis accepts it.
            guard argv[2].is("on") || argv[2].is("off") else { return .error(ServerError.syntax.line) }
            return .simple("OK")
        }
        return .error(ServerError.unknownSubcommand(argv).line)
    }

    /// The CLIENT subcommands Cairn has; `ResolvedCommand.resolve` already
    /// checked the name and arity against `ServerCommandTable`.
    static let clientSubcommands: Set<String> = ["id", "info", "getname", "setname", "list", "kill", "reply", "no-evict", "unblock"]

    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocked client's wait as a
    /// timeout would, or with `-UNBLOCKED`; 1 if it was blocked, else 0.
    func unblock(_ argv: [Bytes]) -> Reply {
        var error = false
        if argv.count == 4 {
            if argv[3].is("timeout") { error = false }
            else if argv[3].is("error") { error = true }
            else { return .error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR") }
        }
        guard let id = Numbers.parseInteger(argv[2]) else { return .error(ServerError.notInteger.line) }
        guard id >= 0, let target = context.registry.client(UInt64(id)), target.blocked != nil else { return .integer(0) }
        let reply = error ? Reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK") : BlockRequest.timeoutReply
        context.blocking.unblock(target, with: reply, context: context, store: store)
        return .integer(1)
    }

    /// A subcommand Redis has (the table) that Cairn does not implement
    /// (CLIENT UNBLOCK, CONFIG REWRITE ...): answered as an unknown one.
    static func checkImplemented(_ argv: [Bytes], _ implemented: Set<String>) -> Reply? {
        let name = String(decoding: argv[1].asciiLowercased, as: UTF8.self)
        return implemented.contains(name) ? nil : .error(ServerError.unknownSubcommand(argv).line)
    }

    /// A CLIENT LIST line with the client's subscription counts.
    func infoLine(of other: ClientState) -> String {
        let registry = context.pubsub.registry
        return other.infoLine(channels: registry.channels(of: other.id).count,
                              patterns: registry.patterns(of: other.id).count,
                              monitoring: context.monitors.contains(other.id))
    }

    /// CLIENT LIST [TYPE type] [ID id ...].
    private func list(_ argv: [Bytes]) -> Reply {
        var clients = context.registry.all
        if argv.count == 4 && argv[2].is("type") {
            guard let kind = clientType(argv[3]) else {
                return .error("ERR Unknown client type '\(String(decoding: argv[3], as: UTF8.self))'")
            }
            clients = clients.filter { self.kind(of: $0) == kind }
        } else if argv.count > 3 && argv[2].is("id") {
            var ids: Set<UInt64> = []
            for argument in argv.dropFirst(3) {
                guard let id = Numbers.parseInteger(argument), id > 0 else {
                    return .error("ERR Invalid client ID")
                }
                ids.insert(UInt64(id))
            }
            clients = clients.filter { ids.contains($0.id) }
        } else if argv.count != 2 {
            return .error(ServerError.syntax.line)
        }
        let lines = clients.map { infoLine(of: $0) + "\n" }.joined()
        return .verbatim(format: "txt", text: text(lines))
    }

    /// getClientType's types; Cairn's clients are only ever normal or pubsub.
    enum ClientKind { case normal, pubsub, replication }

    /// The type a CLIENT LIST/KILL `TYPE` names; nil for an unknown name.
    private func clientType(_ name: Bytes) -> ClientKind? {
        if name.is("normal") { return .normal }
        if name.is("pubsub") { return .pubsub }
        if ["slave", "replica", "master"].contains(where: { name.is($0) }) { return .replication }
        return nil
    }

    /// getClientType: a client with a subscription (CLIENT_PUBSUB) is pubsub.
    private func kind(of other: ClientState) -> ClientKind {
        context.pubsub.registry.subscriptionCount(of: other.id) > 0 ? .pubsub : .normal
    }

    /// CLIENT KILL addr | CLIENT KILL [ID id] [ADDR ip:port] [LADDR ip:port]
    /// [TYPE type] [USER name] [SKIPME yes|no].
    private func kill(_ argv: [Bytes]) -> Reply {
        var address: String?, localAddress: String?, id: UInt64?, kind: ClientKind?
        var skipMe = true
        if argv.count == 3 {
            address = String(decoding: argv[2], as: UTF8.self)
            skipMe = false
        } else if argv.count > 3 {
            var index = 2
            while index < argv.count {
                guard index + 1 < argv.count else { return .error(ServerError.syntax.line) }
                let option = argv[index], value = argv[index + 1]
                let valueText = String(decoding: value, as: UTF8.self)
                if option.is("id") {
                    guard let parsed = Numbers.parseInteger(value) else { return .error(ServerError.notInteger.line) }
                    guard parsed >= 1 else { return .error("ERR client-id should be greater than 0") }
                    id = UInt64(parsed)
                } else if option.is("type") {
                    guard let named = clientType(value) else { return .error("ERR Unknown client type '\(valueText)'") }
                    kind = named
                } else if option.is("addr") {
                    address = valueText
                } else if option.is("laddr") {
                    localAddress = valueText
                } else if option.is("user") {
                    guard value == text("default") else { return .error("ERR No such user '\(valueText)'") }
                } else if option.is("skipme") {
                    if value.is("yes") { skipMe = true } else if value.is("no") { skipMe = false } else {
                        return .error(ServerError.syntax.line)
                    }
                } else {
                    return .error(ServerError.syntax.line)
                }
                index += 2
            }
        } else {
            return .error(ServerError.syntax.line)
        }
        var killed = 0
        for other in context.registry.all {
            if let address, other.remoteAddress != address { continue }
            if let localAddress, other.localAddress != localAddress { continue }
            if let id, other.id != id { continue }
            if let kind, self.kind(of: other) != kind { continue }
            if other === client && skipMe { continue }
            if other === client {
                client.closing = true  // after this reply, as CLOSE_AFTER_REPLY
            } else {
                other.closing = true
                other.channel.close(promise: nil)
            }
            killed += 1
        }
        if argv.count == 3 { return killed == 0 ? .error("ERR No such client") : .simple("OK") }
        return .integer(Int64(killed))
    }
}
