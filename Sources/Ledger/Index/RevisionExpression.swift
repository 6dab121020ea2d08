import Git

/// A revision expression of the form the event index can walk: a start (a reference or a full
/// or abbreviated id, resolved as git resolves it) followed by a chain of `~N`, `~`, `^N` and
/// `^` steps, such as `main~50000` or `HEAD^2~3`. Anything else (`main^{tree}`, `:/text`,
/// `main@{1}`, ranges) is not one of these and is left to libgit2's revparse whole.
struct RevisionExpression: Equatable {
    /// One step back through history.
    enum Step: Equatable {
        /// `~N`: N first parents back (`~` alone is `~1`, `~0` the commit itself).
        case ancestor(Int)
        /// `^N`: the Nth parent (`^` alone is `^1`, `^0` the commit itself).
        case parent(Int)
    }

    /// The text before the first `~` or `^`.
    let start: String
    /// The steps, applied left to right.
    let steps: [Step]

    /// Parses `text`; nil when it is not a start followed by steps only.
    init?(_ text: String) {
        guard let split = text.firstIndex(where: { $0 == "~" || $0 == "^" }) else { return nil }
        let start = String(text[..<split])
        // What git would read differently from a plain name: a path (`:`), a reflog entry
        // (`@{`), a range (`..`), and nothing at all.
        guard !start.isEmpty, !start.contains(":"), !start.contains("@{"), !start.contains(".."),
              !start.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return nil }
        var steps: [Step] = []
        var rest = Array(text[split...].utf8)[...]
        while let marker = rest.first {
            rest = rest.dropFirst()
            let digits = rest.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            rest = rest.dropFirst(digits.count)
            let count = digits.isEmpty ? 1 : Self.number(digits)
            switch marker {
            case UInt8(ascii: "~"): steps.append(.ancestor(count))
            case UInt8(ascii: "^"): steps.append(.parent(count))
            default: return nil
            }
        }
        self.start = start
        self.steps = steps
    }

    /// The value of a run of decimal digits as git reads it: above `Int32.max` (git's limit,
    /// after which it names nothing) every value is `Int.max`, which no history reaches.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int {
        var value = 0
        for digit in digits {
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
            if value > Int(Int32.max) { return Int.max }
        }
        return value
    }
}

/// What the event index's commit graph says a revision expression names.
enum IndexedRevision: Equatable {
    /// The commit it names.
    case commit(ObjectID)
    /// It names nothing: a step goes past a root commit or asks for a parent that is not there.
    case nothing
}

extension EventIndex {
    /// Follows `steps` from commit `start` through the recorded parents; nil when the index
    /// cannot tell (it has no graph, does not hold `start`, or a parent on the way is outside it).
    func follow(_ steps: [RevisionExpression.Step], from start: ObjectID) -> IndexedRevision? {
        guard var number = storage.commitNumber(of: start) else { return nil }
        for step in steps {
            switch step {
            case .ancestor(let count):
                var remaining = count
                while remaining > 0 {
                    guard let parents = storage.parentNumbers(of: number) else { return nil }
                    guard let first = parents.first else { return .nothing }
                    guard first != EventIndexFile.none else { return nil }
                    number = Int(first)
                    remaining -= 1
                }
            case .parent(let position):
                guard position > 0 else { continue }
                guard let parents = storage.parentNumbers(of: number) else { return nil }
                guard position <= parents.count else { return .nothing }
                guard parents[position - 1] != EventIndexFile.none else { return nil }
                number = Int(parents[position - 1])
            }
        }
        return .commit(storage.commitID(number))
    }
}

extension LedgerStore {
    /// The commit a revision names, as `git rev-parse` resolves it, or nil when it names none.
    /// A start followed by `~N`/`^N` steps (`main~50000`) is walked in the event index's commit
    /// graph: libgit2 1.5's revparse reads and hashes every commit on the way (0.6 s for
    /// 50,000 steps). The start itself, and every other form, is resolved by libgit2.
    func commit(named revision: String) throws -> ObjectID? {
        if let expression = RevisionExpression(revision),
           let start = try repository.resolveCommit(expression.start),
           let index = try? eventIndex().index {
            switch index.follow(expression.steps, from: start) {
            case .commit(let id): return id
            case .nothing: return nil
            case nil: break
            }
        }
        return try repository.resolveCommit(revision)
    }
}
