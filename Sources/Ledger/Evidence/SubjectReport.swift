import FoundationEssentials
import Git

/// Everything the ledger holds about one person (GDPR Art. 15 subject access), found by
/// e-mail, name or key fingerprint across the whole history of the ledger branch.
public struct SubjectReport {
    /// One event the person signed or is named in.
    public struct EventEntry {
        /// `signer` or `mentioned` (named in the note).
        public var role: String
        public var event: EventView
    }

    /// A key trusted for the person at the head.
    public struct KeyEntry {
        public var kind: String
        public var principals: [String]
        public var fingerprint: String
        public var options: String
    }

    /// A commit that added or removed trust entries of the person.
    public struct TrustChange {
        public var commit: String
        public var time: String
        public var path: String
        public var added: [String]
        public var removed: [String]
        public var committer: String
    }

    /// A place the person's name, e-mail or key appears.
    public struct Appearance {
        /// `author`, `committer`, `message`, or `file` (at the head).
        public var kind: String
        public var commit: String
        public var path: String?
        public var text: String
    }

    public let query: String
    public private(set) var names: [String] = []
    public private(set) var emails: [String] = []
    public private(set) var fingerprints: [String] = []
    public private(set) var events: [EventEntry] = []
    public private(set) var keys: [KeyEntry] = []
    public private(set) var trustChanges: [TrustChange] = []
    public private(set) var appearances: [Appearance] = []
    /// The person's roles under the policy at the head: `admin`, `owner of <section or item>`,
    /// matched by e-mail (patterns included); in a ledger without a policy, `admin (no policy set)` for a trusted signer.
    public private(set) var roles: [String] = []

    /// True when the ledger holds nothing about the person.
    public var isEmpty: Bool { events.isEmpty && keys.isEmpty && trustChanges.isEmpty && appearances.isEmpty && roles.isEmpty }

    /// Builds the report for `query` (an e-mail, a name, or a `SHA256:…`/OpenPGP fingerprint).
    public init(store: LedgerStore, query: String, verdicts: any SignatureVerdicts) throws {
        self.query = query
        let queries = try LedgerQueries(store: store)
        let allEvents = queries.index.events
        let wanted = query.lowercased()
        // The identities that belong to the person: start from the query, then add the names,
        // e-mails and keys recorded together with it (in events and in trust entries).
        var names = Set<String>(), emails = Set<String>(), keys = Set<String>()
        // Fingerprints are compared without case but shown as recorded (base64 is case-sensitive).
        var shownKeys: [String: String] = [:]
        func isThem(_ person: Person) -> Bool {
            // Matched as `timeline --by` matches: any part of name, e-mail or key, ignoring case.
            [person.name, person.email, person.key ?? ""].contains { !$0.isEmpty && $0.lowercased().contains(wanted) }
                || emails.contains(person.email.lowercased()) || (person.key.map { keys.contains($0.lowercased()) } ?? false)
        }
        for _ in 0..<2 {
            for event in allEvents where isThem(event.person) {
                names.insert(event.person.name); emails.insert(event.person.email.lowercased())
                if let key = event.person.key { keys.insert(key.lowercased()); shownKeys[key.lowercased()] = key }
            }
            for entry in try queries.snapshot.allowedSigners().entries {
                let principals = entry.principals.map { $0.lowercased() }
                if principals.contains(where: { $0.contains(wanted) }) || keys.contains(entry.key.fingerprint.lowercased()) || entry.key.fingerprint.lowercased() == wanted
                    || !emails.isDisjoint(with: principals) {
                    keys.insert(entry.key.fingerprint.lowercased())
                    shownKeys[entry.key.fingerprint.lowercased()] = entry.key.fingerprint
                    principals.filter { $0.contains("@") }.forEach { emails.insert($0) }
                }
            }
            // An e-mail nobody recorded is still looked for in texts; part of a known one is not a new one.
            if wanted.contains("@"), !emails.contains(where: { $0.contains(wanted) }) { emails.insert(wanted) }
        }
        self.names = names.sorted()
        self.emails = emails.sorted()
        fingerprints = keys.map { shownKeys[$0] ?? $0 }.sorted()
        let needles = (names.map { $0.lowercased() } + Array(emails) + Array(keys) + [wanted]).filter { $0.count >= 3 }
        func mentions(_ text: String) -> Bool {
            let lower = text.lowercased()
            return needles.contains { lower.contains($0) }
        }

        var previousBlob: [String: ObjectID] = [:]
        for event in allEvents {
            defer { previousBlob[event.path] = event.blob }
            if isThem(event.person) {
                events.append(EventEntry(role: "signer", event: EventView(event, signature: verdicts.verdict(for: event.commit))))
            } else if let note = event.note, mentions(note) {
                events.append(EventEntry(role: "mentioned", event: EventView(event, signature: verdicts.verdict(for: event.commit))))
            }
            guard event.path.hasPrefix("trust/") else { continue }
            let before = try previousBlob[event.path].map { try Self.lines(store.repository.blob($0)) } ?? []
            let after = try event.blob.map { try Self.lines(store.repository.blob($0)) } ?? []
            let added = after.filter { mentions($0) && !before.contains($0) }
            let removed = before.filter { mentions($0) && !after.contains($0) }
            guard !added.isEmpty || !removed.isEmpty else { continue }
            trustChanges.append(TrustChange(commit: event.commit.hex, time: CommitTime.iso8601(event.time), path: event.path,
                                            added: added.map(Self.describe), removed: removed.map(Self.describe),
                                            committer: "\(event.person.name) <\(event.person.email)>"))
        }

        let head = queries.snapshot
        for entry in try head.allowedSigners().entries where keys.contains(entry.key.fingerprint.lowercased())
            || !emails.isDisjoint(with: entry.principals.map { $0.lowercased() }) {
            keys.insert(entry.key.fingerprint.lowercased())
            let options = entry.options.keys.sorted().map { "\($0)=\(entry.options[$0] ?? "")" }.joined(separator: ",")
            self.keys.append(KeyEntry(kind: "ssh", principals: entry.principals, fingerprint: entry.key.fingerprint, options: options))
        }
        for entry in try head.openPGPSigners().entries where emails.contains(entry.principal.lowercased()) || keys.contains(entry.fingerprint.lowercased()) {
            self.keys.append(KeyEntry(kind: "openpgp", principals: [entry.principal], fingerprint: entry.fingerprint, options: ""))
        }

        if let policy = try head.policy() {
            if emails.contains(where: policy.isAdmin) { roles.append("admin") }
            for (target, owners) in policy.owners.sorted(by: { $0.key < $1.key }) where emails.contains(where: { SSHPatternList.matches($0, patterns: owners) }) {
                roles.append("owner of \(target)")
            }
        } else if !self.keys.isEmpty {
            roles.append("admin (no policy set: every trusted signer is admin and owner)")
        }

        // Commit lines, oldest first.
        for id in try RevisionWalk(repository: store.repository, from: [store.head()], order: .topologicalReverse).collect() {
            let commit = try store.repository.commit(id)
            for (kind, signature) in [("author", commit.author), ("committer", commit.committer)] where
                names.contains(signature.name) || emails.contains(signature.email.lowercased()) {
                appearances.append(Appearance(kind: kind, commit: id.hex, path: nil,
                                              text: "\(signature.name) <\(signature.email)> \(CommitTime.iso8601(signature.time))"))
            }
            for line in commit.message.split(separator: "\n") where mentions(String(line)) {
                appearances.append(Appearance(kind: "message", commit: id.hex, path: nil, text: String(line)))
            }
        }
        // Files at the head that name them.
        let paths = [LedgerLayout.settingsPath, LedgerLayout.checklistPath, LedgerLayout.allowedSignersPath, LedgerLayout.openPGPSignersPath,
                     LedgerLayout.policyPath]
            + head.checklist.allItems.map(\.path)
        for path in paths {
            guard let data = try store.repository.file(atPath: path, inTree: head.commit.treeID) else { continue }
            for line in Self.lines(data) where mentions(line) {
                appearances.append(Appearance(kind: "file", commit: head.commit.id.hex, path: path, text: Self.describe(line)))
            }
        }
    }

    private static func lines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimming(.whitespaces) }.filter { !$0.isEmpty }
    }

    /// An allowed-signers line as principals and fingerprint; other lines as they are.
    private static func describe(_ line: String) -> String {
        if let entry = try? AllowedSigners.parse(line).entries.first {
            return "\(entry.principals.joined(separator: ",")) \(entry.key.fingerprint)"
        }
        return line
    }

    /// The report as JSON values, keys sorted.
    public var json: JSONWriter.Value {
        .object([
            ("appearances", .array(appearances.map { item in
                .object([("commit", .string(item.commit)), ("kind", .string(item.kind)), ("path", .optional(item.path)), ("text", .string(item.text))])
            })),
            ("emails", .array(emails.map { .string($0) })),
            ("events", .array(events.map { entry in .object([("event", entry.event.json), ("role", .string(entry.role))]) })),
            ("signerKeys", .array(fingerprints.map { .string($0) })),
            ("keys", .array(keys.map { key in
                .object([("key", .string(key.fingerprint)), ("kind", .string(key.kind)), ("options", .string(key.options)),
                         ("principals", .array(key.principals.map { .string($0) }))])
            })),
            ("names", .array(names.map { .string($0) })),
            ("query", .string(query)),
            ("roles", .array(roles.map { .string($0) })),
            ("trustChanges", .array(trustChanges.map { change in
                .object([("added", .array(change.added.map { .string($0) })), ("commit", .string(change.commit)),
                         ("committer", .string(change.committer)), ("path", .string(change.path)),
                         ("removed", .array(change.removed.map { .string($0) })), ("time", .string(change.time))])
            })),
        ])
    }
}
