import Cairn
import CairnRESP

/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB,
/// Redis 7.0.15-exact (pubsub.c) over `PubSubRegistry`, which lives on the
/// executor (`ServerContext.pubsub`).
///
/// Confirmations and messages are `.push` replies: RESP3 writes them as
/// push frames (`>`), RESP2 as arrays, as Redis's addReplyPushLen does.
///
/// Delivery to other connections: PUBLISH encodes each message in the
/// subscriber's protocol here and hands the bytes to the subscriber's event
/// loop (`ClientState.deliverPush`), tagged with the subscriber's last batch
/// that ran on the executor. The connection writes the message after that
/// batch's replies and before any later batch's, which is the order Redis's
/// single output buffer gives; a batch still waiting for its log sync holds
/// the message back with it. A client publishing to itself (RESP3) gets the
/// message in its own reply stream, before PUBLISH's count, as in Redis.
extension ServerCommands {
    /// (P)(UN)SUBSCRIBE: one confirmation per channel or pattern.
    func subscription(_ command: ServerCommand, _ argv: [Bytes]) -> [Reply] {
        let id = client.id
        let names = Array(argv.dropFirst())
        let kind = Array(command.rawValue.utf8)
        func confirmation(_ name: Bytes?, _ count: Int) -> Reply {
            .push([.bulk(kind), name.map(Reply.bulk) ?? .null, .integer(Int64(count))])
        }
        switch command {
        case .subscribe:
            return names.map { confirmation($0, context.pubsub.registry.subscribe(id, to: $0)) }
        case .psubscribe:
            return names.map { confirmation($0, context.pubsub.registry.psubscribe(id, to: $0)) }
        case .unsubscribe:
            if names.isEmpty {
                let left = context.pubsub.registry.unsubscribeFromAllChannels(id)
                if left.isEmpty { return [confirmation(nil, context.pubsub.registry.subscriptionCount(of: id))] }
                return left.map { confirmation($0.channel, $0.count) }
            }
            return names.map { confirmation($0, context.pubsub.registry.unsubscribe(id, from: $0)) }
        default:
            if names.isEmpty {
                let left = context.pubsub.registry.punsubscribeFromAllPatterns(id)
                if left.isEmpty { return [confirmation(nil, context.pubsub.registry.subscriptionCount(of: id))] }
                return left.map { confirmation($0.pattern, $0.count) }
            }
            return names.map { confirmation($0, context.pubsub.registry.punsubscribe(id, from: $0)) }
        }
    }

    /// PUBLISH channel message: the number of receivers; the messages go
    /// out as described above.
    func publish(_ argv: [Bytes]) -> [Reply] {
        let channel = argv[1]
        let message = argv[2]
        let deliveries = context.pubsub.registry.publish(to: channel)
        var own: [Reply] = []
        for delivery in deliveries {
            let push: Reply = if let pattern = delivery.pattern {
                .push([.bulk(text("pmessage")), .bulk(pattern), .bulk(channel), .bulk(message)])
            } else {
                .push([.bulk(text("message")), .bulk(channel), .bulk(message)])
            }
            if delivery.subscriber == client.id {
                own.append(push)
                continue
            }
            guard let subscriber = context.registry.client(delivery.subscriber) else { continue }
            var writer = RESPWriter(version: subscriber.protocolVersion)
            push.write(to: &writer)
            subscriber.deliverPush?(writer.buffer, subscriber.lastExecutedBatch)
        }
        return own + [.integer(Int64(deliveries.count))]
    }

    /// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP.
    func pubsubQuery(_ argv: [Bytes]) -> Reply {
        let registry = context.pubsub.registry
        let sub = argv[1]
        if sub.is("help") && argv.count == 2 { return ServerCommands.pubsubHelp }
        if sub.is("channels") && argv.count <= 3 {
            return .array(registry.activeChannels(matching: argv.count == 3 ? argv[2] : nil).map(Reply.bulk))
        }
        if sub.is("numsub") {
            return .array(registry.subscriberCounts(Array(argv.dropFirst(2))).flatMap {
                [Reply.bulk($0.channel), .integer(Int64($0.count))]
            })
        }
        if sub.is("numpat") && argv.count == 2 { return .integer(Int64(registry.patternCount)) }
        return .error(ServerError.subcommandSyntax(argv).line)
    }
}
