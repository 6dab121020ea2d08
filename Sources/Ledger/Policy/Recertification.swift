/// When a sign-off or waiver stops counting: the one rule shared by status, the gate and `due`.
extension LedgerPolicy {
    /// The last day `record`'s state counts: a sign-off holds `recertifyDays` days from the day
    /// it was completed (through that day, like a waiver's until-day); a waiver through its
    /// until-day. Nil when it holds until changed (a sign-off without re-certification) or is
    /// not a state that counts.
    public func lastValidDay(of record: ItemRecord) -> String? {
        switch record.state {
        case .done:
            guard let days = recertifyDays(ofItem: record.item), let at = record.at else { return nil }
            return DayArithmetic.adding(days, to: String(at.prefix(10)))
        case .waived:
            return record.waivedUntil
        case .open, .pending:
            return nil
        }
    }

    /// Whether `record` counts as complete on `today` (`YYYY-MM-DD`): done and not due for
    /// re-certification, or validly waived. Open and pending never count.
    public func counts(_ record: ItemRecord, today: String) -> Bool {
        switch record.state {
        case .open, .pending:
            return false
        case .done:
            guard let last = lastValidDay(of: record) else { return true }
            return last >= today
        case .waived:
            guard let until = record.waivedUntil, DayArithmetic.dayNumber(until) != nil else { return false }
            return until >= today
        }
    }
}
