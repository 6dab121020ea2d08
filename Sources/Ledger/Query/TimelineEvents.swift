/// The events of a timeline in order, decoded from the index one at a time as they are read:
/// a whole-history timeline holds a list of positions, never every event at once.
public struct TimelineEvents: RandomAccessCollection, Sendable {
    private enum Source: Sendable {
        /// Events of the index at these positions.
        case indexed(EventIndex, [Int])
        /// Events already decoded (one item's timeline, with its derived definition events).
        case decoded([LedgerEvent])
    }

    private let source: Source

    /// The index's events at `positions`, in that order.
    init(index: EventIndex, positions: [Int]) { source = .indexed(index, positions) }

    /// Events already decoded, in order.
    init(_ events: [LedgerEvent]) { source = .decoded(events) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch source {
        case let .indexed(_, positions): positions.count
        case let .decoded(events): events.count
        }
    }

    /// Event `position` of the timeline, decoded.
    public subscript(position: Int) -> LedgerEvent {
        switch source {
        case let .indexed(index, positions): index.event(at: positions[position])
        case let .decoded(events): events[position]
        }
    }

    /// Reads the events in order, decoding each recurring string (path, action, person) once.
    public func makeIterator() -> Iterator { Iterator(events: self) }

    /// Reads a timeline in order, sharing decoded recurring strings between events.
    public struct Iterator: IteratorProtocol {
        private let events: TimelineEvents
        private var offset = 0
        private var recurring: [UInt32: String] = [:]

        init(events: TimelineEvents) { self.events = events }

        /// The next event, decoded; nil at the end.
        public mutating func next() -> LedgerEvent? {
            guard offset < events.endIndex else { return nil }
            defer { offset += 1 }
            switch events.source {
            case let .indexed(index, positions): return index.event(at: positions[offset], recurring: &recurring)
            case let .decoded(decoded): return decoded[offset]
            }
        }
    }
}
