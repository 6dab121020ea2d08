import Foundation
import Git

/// The head of the last verification that found nothing wrong, kept in
/// `<gitdir>/readiness/verified-head`. Incremental verification starts from it, and a branch
/// that no longer descends from it has been rewritten. Like every file there it is local,
/// derived state: deleting it only makes the next verification a full one.
enum VerifiedHead {
    static let fileName = "verified-head"

    static func read(_ store: LedgerStore) -> ObjectID? {
        guard let url = try? store.cacheDirectory().appendingPathComponent(fileName),
              let data = try? Data(contentsOf: url) else { return nil }
        return ObjectID(hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func write(_ head: ObjectID, to store: LedgerStore) throws {
        try store.save(Data((head.hex + "\n").utf8), to: store.cacheDirectory().appendingPathComponent(fileName))
    }
}
