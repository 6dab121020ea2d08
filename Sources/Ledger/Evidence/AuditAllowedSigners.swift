import FoundationEssentials
import Git

/// The allowed-signers file of an evidence pack: every SSH key the ledger trusted up to the end
/// of the range, each limited to the time it was trusted. An entry added after the first commit
/// gets `valid-after` = the time of the commit that added it; an entry later removed gets
/// `valid-before` = the time of the commit that removed it (an earlier bound already on the
/// entry is kept). Stock git checks every signature against the committer time, so
/// `git verify-commit` judges each commit by the trust of its own time, revoked keys included.
enum AuditAllowedSigners {
    static func build(selection: EvidenceSelection) throws -> String {
        let repository = selection.store.repository
        let versions = selection.queries.index.events(at: LedgerLayout.allowedSignersPath)
            .filter { $0.time <= max(selection.endTime, selection.events.last?.time ?? selection.endTime) }
        var active: [(key: String, entry: AllowedSigners.Entry)] = []
        var closed: [AllowedSigners.Entry] = []
        for (position, version) in versions.enumerated() {
            let text = try version.blob.map { String(decoding: try repository.blob($0), as: UTF8.self) } ?? ""
            let entries = try AllowedSigners.parse(text).entries
            let keys = entries.map { $0.serialized() }
            for (index, entry) in active.enumerated().reversed() where !keys.contains(entry.key) {
                // Through the removing commit's second: git times have one-second resolution, and a
                // key may sign, then be revoked, within one second.
                closed.append(bounded(entry.entry, option: "valid-before", time: version.time + 1, keepEarlier: true))
                active.remove(at: index)
            }
            for (key, entry) in zip(keys, entries) where !active.contains(where: { $0.key == key }) {
                active.append((key, position == 0 ? entry : bounded(entry, option: "valid-after", time: version.time, keepEarlier: false)))
            }
        }
        return (closed + active.map(\.entry)).map { $0.serialized() + "\n" }.joined()
    }

    /// `entry` with `option` set to `time`, unless the entry already has a stricter bound.
    private static func bounded(_ entry: AllowedSigners.Entry, option: String, time: Int64, keepEarlier: Bool) -> AllowedSigners.Entry {
        var entry = entry
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        if let existing = entry.options[option].flatMap({ try? AllowedSigners.parseTimestamp($0, timeZone: .utc) }) {
            if keepEarlier ? existing <= date : existing >= date { return entry }
        }
        entry.options[option] = AllowedSigners.formatTimestamp(date)
        return entry
    }
}
