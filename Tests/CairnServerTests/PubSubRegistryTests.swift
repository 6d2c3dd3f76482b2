import Cairn
import Testing
@testable import CairnServer

/// The pub/sub bookkeeping against pubsub.c's behaviour: per-subscriber
/// counts in replies, delivery order, PUBSUB CHANNELS/NUMSUB/NUMPAT.
@Suite struct PubSubRegistryTests {
    static func b(_ text: String) -> Bytes { Array(text.utf8) }

    @Test func countsAreChannelsPlusPatternsOfThatSubscriber() {
        var registry = PubSubRegistry<String>()
        #expect(registry.subscribe("a", to: Self.b("c1")) == 1)
        #expect(registry.subscribe("a", to: Self.b("c2")) == 2)
        #expect(registry.subscribe("a", to: Self.b("c1")) == 2)  // again: no change, still replied
        #expect(registry.psubscribe("a", to: Self.b("c*")) == 3)
        #expect(registry.psubscribe("a", to: Self.b("c*")) == 3)
        #expect(registry.subscribe("b", to: Self.b("c1")) == 1)
        #expect(registry.unsubscribe("a", from: Self.b("nope")) == 3)
        #expect(registry.unsubscribe("a", from: Self.b("c1")) == 2)
        #expect(registry.punsubscribe("a", from: Self.b("c*")) == 1)
        #expect(registry.punsubscribe("zz", from: Self.b("c*")) == 0)
        #expect(registry.subscriptionCount(of: "a") == 1)
        #expect(registry.channels(of: "a") == [Self.b("c2")])
    }

    @Test func publishReachesChannelSubscribersThenEachMatchingPattern() {
        var registry = PubSubRegistry<Int>()
        registry.psubscribe(5, to: Self.b("news.*"))
        registry.subscribe(2, to: Self.b("news.art"))
        registry.subscribe(1, to: Self.b("news.art"))
        registry.psubscribe(3, to: Self.b("*"))
        registry.psubscribe(4, to: Self.b("news.*"))
        registry.psubscribe(1, to: Self.b("NEWS.*"))  // case-sensitive: no match
        let deliveries = registry.publish(to: Self.b("news.art"))
        #expect(deliveries.map(\.subscriber) == [2, 1, 5, 4, 3])
        #expect(deliveries.map { $0.pattern.map { String(decoding: $0, as: UTF8.self) } } == [nil, nil, "news.*", "news.*", "*"])
        #expect(registry.publish(to: Self.b("other")).map(\.subscriber) == [3])
        // A subscriber on the channel and a matching pattern gets both messages.
        registry.subscribe(3, to: Self.b("x"))
        #expect(registry.publish(to: Self.b("x")).map(\.subscriber) == [3, 3])
    }

    @Test func unsubscribeAllListsEachChannelWithTheCountAfterIt() {
        var registry = PubSubRegistry<Int>()
        for channel in ["b", "a", "c"] { registry.subscribe(1, to: Self.b(channel)) }
        registry.psubscribe(1, to: Self.b("p*"))
        let left = registry.unsubscribeFromAllChannels(1)
        #expect(left.map { String(decoding: $0.channel, as: UTF8.self) } == ["b", "a", "c"])
        #expect(left.map(\.count) == [3, 2, 1])
        #expect(registry.unsubscribeFromAllChannels(1).isEmpty)
        #expect(registry.punsubscribeFromAllPatterns(1).map(\.count) == [0])
        #expect(registry.subscriptionCount(of: 1) == 0)
    }

    @Test func disconnectForgetsEverything() {
        var registry = PubSubRegistry<Int>()
        registry.subscribe(1, to: Self.b("c"))
        registry.subscribe(2, to: Self.b("c"))
        registry.psubscribe(1, to: Self.b("*"))
        registry.unsubscribeAll(1)
        #expect(registry.publish(to: Self.b("c")).map(\.subscriber) == [2])
        #expect(registry.patternCount == 0)
        #expect(registry.subscriptionCount(of: 1) == 0)
    }

    @Test func pubsubChannelsNumsubNumpat() {
        var registry = PubSubRegistry<Int>()
        registry.subscribe(1, to: Self.b("news"))
        registry.subscribe(2, to: Self.b("news"))
        registry.subscribe(2, to: Self.b("sport"))
        registry.subscribe(3, to: Self.b("Nope"))
        registry.psubscribe(1, to: Self.b("a*"))
        registry.psubscribe(2, to: Self.b("a*"))
        registry.psubscribe(2, to: Self.b("b*"))
        #expect(registry.activeChannels().count == 3)
        #expect(registry.activeChannels(matching: Self.b("n*")) == [Self.b("news")])
        let counts = registry.subscriberCounts([Self.b("news"), Self.b("none"), Self.b("sport")])
        #expect(counts.map(\.count) == [2, 0, 1])
        #expect(registry.patternCount == 2)
        registry.unsubscribe(3, from: Self.b("Nope"))
        #expect(registry.activeChannels() == [Self.b("news"), Self.b("sport")])
        registry.punsubscribe(2, from: Self.b("b*"))
        #expect(registry.patternCount == 1)
    }
}
