import Cairn

/// Who listens to what: Redis 7.0.15's pub/sub bookkeeping (pubsub.c) as a
/// plain value, free of connections. The server keeps one, calls it for
/// SUBSCRIBE/UNSUBSCRIBE/PSUBSCRIBE/PUNSUBSCRIBE/PUBLISH/PUBSUB and on
/// disconnect, and writes the replies and messages itself.
///
/// As in Redis: a channel's (and a pattern's) subscribers are kept in
/// subscription order; a subscriber's count, which every (un)subscribe reply
/// carries, is its channels plus its patterns (clientSubscriptionsCount);
/// PUBLISH reaches a channel's subscribers first, then each matching
/// pattern's subscribers, one message per pattern matched.
///
/// ```swift
/// var registry = PubSubRegistry<Int>()
/// registry.subscribe(1, to: Array("news".utf8))      // 1
/// registry.psubscribe(2, to: Array("n*".utf8))       // 1
/// registry.publish(to: Array("news".utf8)).count     // 2: PUBLISH's reply
/// ```
public struct PubSubRegistry<Subscriber: Hashable & Sendable>: Sendable {
    /// One receiver of a published message: `pattern` is nil for a channel
    /// subscriber (a `message` push) and the matching pattern for a pattern
    /// subscriber (a `pmessage` push).
    public struct Delivery: Sendable {
        public let subscriber: Subscriber
        public let pattern: Bytes?
    }

    /// What one subscriber listens to, each set in subscription order.
    private struct Subscriptions: Sendable {
        var channels = OrderedBytes()
        var patterns = OrderedBytes()
        var count: Int { channels.count + patterns.count }
    }

    /// Channel -> subscribers in subscription order (pubsub_channels).
    private var channelSubscribers: [Bytes: [Subscriber]] = [:]
    /// When each channel got its first subscriber: PUBSUB CHANNELS lists them in that order.
    private var channelOrder = OrderedBytes()
    /// Pattern -> subscribers, patterns in the order they were first subscribed (pubsub_patterns).
    private var patternSubscribers: [(pattern: Bytes, subscribers: [Subscriber])] = []
    private var subscriptions: [Subscriber: Subscriptions] = [:]

    public init() {}

    // MARK: Channels

    /// SUBSCRIBE one channel; returns the subscriber's count for the reply
    /// (unchanged if it already listened).
    @discardableResult
    public mutating func subscribe(_ subscriber: Subscriber, to channel: Bytes) -> Int {
        if subscriptions[subscriber, default: Subscriptions()].channels.insert(channel) {
            if channelSubscribers[channel] == nil { channelOrder.insert(channel) }
            channelSubscribers[channel, default: []].append(subscriber)
        }
        return subscriptionCount(of: subscriber)
    }

    /// UNSUBSCRIBE one channel; returns the subscriber's count for the reply.
    @discardableResult
    public mutating func unsubscribe(_ subscriber: Subscriber, from channel: Bytes) -> Int {
        if subscriptions[subscriber]?.channels.remove(channel) == true {
            channelSubscribers[channel]?.removeAll { $0 == subscriber }
            if channelSubscribers[channel]?.isEmpty == true {
                channelSubscribers[channel] = nil
                channelOrder.remove(channel)
            }
            dropIfIdle(subscriber)
        }
        return subscriptionCount(of: subscriber)
    }

    /// UNSUBSCRIBE without arguments: leaves every channel, returning each with
    /// the count after leaving it (empty when it had none: Redis then replies
    /// once with a null channel and its count).
    public mutating func unsubscribeFromAllChannels(_ subscriber: Subscriber) -> [(channel: Bytes, count: Int)] {
        channels(of: subscriber).map { ($0, unsubscribe(subscriber, from: $0)) }
    }

    // MARK: Patterns

    /// PSUBSCRIBE one pattern; returns the subscriber's count.
    @discardableResult
    public mutating func psubscribe(_ subscriber: Subscriber, to pattern: Bytes) -> Int {
        if subscriptions[subscriber, default: Subscriptions()].patterns.insert(pattern) {
            if let index = patternSubscribers.firstIndex(where: { $0.pattern == pattern }) {
                patternSubscribers[index].subscribers.append(subscriber)
            } else {
                patternSubscribers.append((pattern, [subscriber]))
            }
        }
        return subscriptionCount(of: subscriber)
    }

    /// PUNSUBSCRIBE one pattern; returns the subscriber's count.
    @discardableResult
    public mutating func punsubscribe(_ subscriber: Subscriber, from pattern: Bytes) -> Int {
        if subscriptions[subscriber]?.patterns.remove(pattern) == true,
           let index = patternSubscribers.firstIndex(where: { $0.pattern == pattern }) {
            patternSubscribers[index].subscribers.removeAll { $0 == subscriber }
            if patternSubscribers[index].subscribers.isEmpty { patternSubscribers.remove(at: index) }
            dropIfIdle(subscriber)
        }
        return subscriptionCount(of: subscriber)
    }

    /// PUNSUBSCRIBE without arguments, as `unsubscribeFromAllChannels`.
    public mutating func punsubscribeFromAllPatterns(_ subscriber: Subscriber) -> [(pattern: Bytes, count: Int)] {
        patterns(of: subscriber).map { ($0, punsubscribe(subscriber, from: $0)) }
    }

    // MARK: Disconnect and queries

    /// Forgets a subscriber entirely (its connection closed, or RESET).
    public mutating func unsubscribeAll(_ subscriber: Subscriber) {
        _ = unsubscribeFromAllChannels(subscriber)
        _ = punsubscribeFromAllPatterns(subscriber)
    }

    /// Channels plus patterns: the number in every (un)subscribe reply; a
    /// connection with a nonzero count is in RESP2's subscribed mode.
    public func subscriptionCount(of subscriber: Subscriber) -> Int {
        subscriptions[subscriber]?.count ?? 0
    }

    public func channels(of subscriber: Subscriber) -> [Bytes] { subscriptions[subscriber]?.channels.elements ?? [] }
    public func patterns(of subscriber: Subscriber) -> [Bytes] { subscriptions[subscriber]?.patterns.elements ?? [] }

    /// PUBLISH's receivers in Redis's order: the channel's subscribers, then
    /// each matching pattern's (Redis's stringmatchlen, case-sensitive). The
    /// count is PUBLISH's reply.
    public func publish(to channel: Bytes) -> [Delivery] {
        var deliveries = (channelSubscribers[channel] ?? []).map { Delivery(subscriber: $0, pattern: nil) }
        for (pattern, subscribers) in patternSubscribers where Glob.matches(pattern: pattern, channel) {
            deliveries += subscribers.map { Delivery(subscriber: $0, pattern: pattern) }
        }
        return deliveries
    }

    /// PUBSUB CHANNELS [pattern]: channels with at least one subscriber.
    public func activeChannels(matching pattern: Bytes? = nil) -> [Bytes] {
        channelOrder.elements.filter { channel in pattern.map { Glob.matches(pattern: $0, channel) } ?? true }
    }

    /// PUBSUB NUMSUB: each channel with its subscriber count (0 if none).
    public func subscriberCounts(_ channels: [Bytes]) -> [(channel: Bytes, count: Int)] {
        channels.map { ($0, channelSubscribers[$0]?.count ?? 0) }
    }

    /// PUBSUB NUMPAT: distinct patterns with a subscriber.
    public var patternCount: Int { patternSubscribers.count }

    private mutating func dropIfIdle(_ subscriber: Subscriber) {
        if subscriptions[subscriber]?.count == 0 { subscriptions[subscriber] = nil }
    }
}

/// A set of byte strings that remembers insertion order, with O(1) insert,
/// remove and lookup: each element is stamped with a sequence number and the
/// order is restored by sorting when listed (listing is the rare operation).
struct OrderedBytes: Sendable {
    private var stamps: [Bytes: UInt64] = [:]
    private var next: UInt64 = 0

    var count: Int { stamps.count }

    /// Adds the element; false if it was there already.
    @discardableResult
    mutating func insert(_ element: Bytes) -> Bool {
        guard stamps[element] == nil else { return false }
        stamps[element] = next
        next += 1
        return true
    }

    /// Removes the element; false if it was not there.
    @discardableResult
    mutating func remove(_ element: Bytes) -> Bool {
        stamps.removeValue(forKey: element) != nil
    }

    var elements: [Bytes] { stamps.sorted { $0.value < $1.value }.map(\.key) }
}
