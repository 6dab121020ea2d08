/// What a pseudonymous ledger's directory holds about one person (GDPR Art. 15), which is
/// exactly what `forget` would erase: their entry and the texts they wrote.
public struct DirectorySubject: Sendable {
    /// The person's pseudonym.
    public let pseudonym: Pseudonym
    /// Their entry; nil once erased.
    public let entry: DirectoryEntry?
    /// The texts they wrote, by commitment, oldest-first order not kept (the directory has none).
    public let texts: [(commitment: String, text: String)]
    /// True when an erasure record names them.
    public let erased: Bool

    /// The directory's part of a subject report for `query` (e-mail or pseudonym), or nil when
    /// the ledger is not pseudonymous or the directory does not know the person.
    public init?(_ people: PeopleDirectory, store: LedgerStore, query: String) throws {
        guard people.isPseudonymous, let pseudonym = people.pseudonym(for: query) else { return nil }
        let content = try store.directoryContent()
        self.pseudonym = pseudonym
        entry = content.people[pseudonym.name]
        texts = content.texts.filter { $0.value.author == pseudonym.name }.map { ($0.key, $0.value.text) }.sorted { $0.commitment < $1.commitment }
        erased = people.erased.contains(pseudonym.name)
        if entry == nil && !erased { return nil }
    }
}

extension DirectorySubject {
    /// The directory's part of `subject --json`: the entry (null once erased), the texts the
    /// person wrote, and what `forget` would erase (the entry and those texts), keys sorted.
    public var json: JSONWriter.Value {
        .object([
            ("entry", entry.map { entry in
                .object([("email", .string(entry.email)), ("name", .string(entry.name)), ("pseudonym", .string(entry.pseudonym))])
            } ?? .null),
            ("erased", .bool(erased)),
            ("forgetWouldErase", .object([
                ("entry", .bool(entry != nil)),
                ("texts", .array(texts.map { .string($0.commitment) })),
            ])),
            ("pseudonym", .string(pseudonym.name)),
            ("texts", .array(texts.map { text in .object([("commitment", .string(text.commitment)), ("text", .string(text.text))]) })),
        ])
    }
}
