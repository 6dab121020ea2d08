/// The top of an evidence report, what an auditor reads first: progress per section, what
/// blocks a release, and the waivers and sign-offs that run out soon. Judged as of the day the
/// range ends, never the day the pack is written, so re-exporting gives the same bytes.
struct EvidenceSummary {
    /// One section's counts at the end of the range.
    struct SectionProgress {
        let section: ChecklistSectionInfo
        let done: Int
        let waived: Int
        let total: Int
        /// Percent done (waived items not counted as done), 0…100.
        var percent: Int { total == 0 ? 0 : done * 100 / total }
    }

    /// An item that does not count as complete on the last day of the range, and why.
    struct Blocker {
        let line: EvidenceContent.ItemLine
        let reason: String
    }

    /// A waiver or sign-off whose last valid day falls within `horizonDays` of the range's end.
    struct Expiry {
        let line: EvidenceContent.ItemLine
        /// "waiver" or "sign-off".
        let kind: String
        let lastDay: String
    }

    /// How far ahead "expiring soon" looks, in days after the range's last day.
    static let horizonDays = 30

    let day: String
    let sections: [SectionProgress]
    let blockers: [Blocker]
    let expiring: [Expiry]

    init(_ content: EvidenceContent) {
        let policy = content.policy ?? PolicyJudge.legacy
        day = String(content.endTime.prefix(10))
        let horizon = DayArithmetic.adding(Self.horizonDays, to: day) ?? day
        sections = content.sections.map { section in
            let lines = content.lines.filter { $0.item.section.id == section.id }
            return SectionProgress(section: section, done: lines.filter { $0.record.state == .done }.count,
                                   waived: lines.filter { $0.record.state == .waived }.count, total: lines.count)
        }
        var blockers: [Blocker] = []
        var expiring: [Expiry] = []
        for line in content.lines {
            let record = line.record
            if !policy.counts(record, today: day) {
                let reason: String
                switch record.state {
                case .open: reason = "open"
                case .pending: reason = record.isWaiverRequest ? "waiver awaiting approval" : "awaiting more sign-offs"
                case .done: reason = "re-certification was due after \(policy.lastValidDay(of: record) ?? "?")"
                case .waived: reason = "waiver ran out after \(record.waivedUntil ?? "?")"
                }
                blockers.append(Blocker(line: line, reason: reason))
            } else if let last = policy.lastValidDay(of: record), last <= horizon {
                expiring.append(Expiry(line: line, kind: record.state == .waived ? "waiver" : "sign-off", lastDay: last))
            }
        }
        self.blockers = blockers
        // Soonest first; the item's place in the checklist breaks ties, so the order is fixed.
        self.expiring = expiring.enumerated().sorted { ($0.element.lastDay, $0.offset) < ($1.element.lastDay, $1.offset) }.map(\.element)
    }
}
