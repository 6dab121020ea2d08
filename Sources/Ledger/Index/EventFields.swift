/// Single fields of an event, read without decoding the event: whole-history queries filter on
/// them first and decode only what they keep. Strings come as numbers into the index's string
/// table (equal numbers, equal strings; `EventIndexFile.none` for an absent one), so a filter
/// judges each distinct path, action or person once.
extension EventIndex {
    /// The number of event `index`'s commit: events of one commit share it, and no two commits
    /// have one (the build numbers each commit once; the timeline's one-event-per-definition-
    /// change rule compares these numbers instead of decoding every event's commit id).
    func commitNumber(at index: Int) -> UInt32 { storage.commitNumber(index) }
    /// The string number of event `index`'s path.
    func pathNumber(at index: Int) -> UInt32 { storage.pathID(index) }
    /// The string number of event `index`'s action.
    func actionNumber(at index: Int) -> UInt32 { storage.actionID(index) }
    /// The string numbers of event `index`'s person: name, e-mail and key.
    func personNumbers(at index: Int) -> (name: UInt32, email: UInt32, key: UInt32) {
        (storage.nameID(index), storage.emailID(index), storage.keyID(index))
    }

    /// The string with `number`; nil for the absent marker.
    func string(number: UInt32) -> String? { storage.string(number) }

    /// Decodes event `index`, reusing the recurring strings already decoded into `recurring`.
    func event(at index: Int, recurring: inout [UInt32: String]) -> LedgerEvent { storage.event(index, recurring: &recurring) }
}
