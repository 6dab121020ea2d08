import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness trust`: who may sign the ledger.
struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Show or change who may sign the ledger (trust/allowed_signers), each change one signed commit.",
        discussion: HelpExamples.trust,
        subcommands: [TrustAddCommand.self, TrustRevokeCommand.self, TrustListCommand.self, TrustVouchCommand.self])
}

/// `readiness trust add PRINCIPAL KEYFILE`.
struct TrustAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Trust an SSH key for an e-mail. You must sign with a key the ledger already trusts.",
        discussion: HelpExamples.trustAdd)

    @Argument(help: "The e-mail the key signs as (its committer e-mail).")
    var principal: String

    @Argument(help: ArgumentHelp("The key: a .pub file, or an OpenSSH private key file.", valueName: "keyfile"))
    var keyFile: String

    @Option(name: .long, help: ArgumentHelp("The key is valid from this date (YYYY-MM-DD or ISO 8601, UTC).", valueName: "date"))
    var validAfter: String?

    @Option(name: .long, help: ArgumentHelp("The key is valid until just before this date (YYYY-MM-DD or ISO 8601, UTC).", valueName: "date"))
    var validBefore: String?

    @Option(name: .long, help: ArgumentHelp("In a pseudonymous ledger: the person's name, kept in the directory (default: the e-mail).", valueName: "name"))
    var name: String?

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let key = try SSHKeyFile.publicKey(at: keyFile)
            let after = try validAfter.map { try date($0, "--valid-after") }
            let before = try validBefore.map { try date($0, "--valid-before") }
            let session = try ledgerOptions.session()
            guard try session.people().isPseudonymous else {
                try writeTrust(.add(principal: principal, key: key, validAfter: after, validBefore: before), session: session)
                return
            }
            // The history gets a pseudonym; the directory alone knows whose it is.
            let author = try session.writer()
            let (pseudonym, result) = try session.store.addPseudonymousSigner(email: principal, name: name ?? principal, key: key,
                                                                             validAfter: after, validBefore: before, by: author)
            print("\(TrustAction.add) \(TerminalText.escape(principal)) as \(pseudonym.name) \(key.fingerprint)")
            print("  commit \(result.commit.abbreviated()), \(author.signer.map { "signed with \($0.description)" } ?? "unsigned")")
        }
    }

    private func date(_ text: String, _ option: String) throws -> Date {
        guard let date = DateParsing.parse(text) else {
            throw LedgerError(.invalidInput, "\(option) '\(text)' is not a date", hint: "give YYYY-MM-DD or an ISO 8601 time")
        }
        return date
    }
}

/// `readiness trust revoke PRINCIPAL|FINGERPRINT`.
struct TrustRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Stop trusting every key of an e-mail, or one key by its SHA256 fingerprint.",
        discussion: HelpExamples.trustRevoke)

    @Argument(help: ArgumentHelp("An e-mail, or a key fingerprint (SHA256:…).", valueName: "principal-or-fingerprint"))
    var target: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            try writeTrust(.revoke(try session.people().principal(for: target)), session: session)
        }
    }
}

/// `readiness trust vouch [PERSON...] [--all]`: an admin signs directory entries anew.
struct TrustVouchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vouch",
        abstract: "In a pseudonymous ledger: vouch anew, as an admin, for directory entries no admin vouches for any more (admins only).",
        discussion: HelpExamples.after("""
            Repairs entries of pseudonymous ledgers made before entries were vouched for, and entries whose admin \
            lost the role or the key: `verify` reports them and displays show bare pseudonyms. Each chosen entry is \
            signed by you, all in one directory commit. Erased people cannot be vouched for; a plain ledger has no directory.
            """, HelpExamples.trustVouch))

    @Argument(help: ArgumentHelp("A person: pseudonym (p-…), e-mail or name.", valueName: "person"))
    var people: [String] = []

    @Flag(name: .long, help: "Every entry whose vouch is missing or no longer valid under the head's trust and policy.")
    var all = false

    @OptionGroup var ledgerOptions: LedgerOptions

    func validate() throws {
        guard all || !people.isEmpty else { throw ValidationError("name a person, or give --all") }
    }

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let author = try session.vouchingWriter()
            let outcome = try session.store.vouchDirectory(for: people, all: all, by: author)
            guard let directory = outcome.directory else {
                print(outcome.people.isEmpty ? "every entry is vouched for by an admin; nothing written"
                                             : "the chosen entries are vouched for by you already; nothing written")
                return
            }
            for person in outcome.people {
                print(TerminalText.escape("vouched \(person.pseudonym.name) \(person.name) <\(person.email)>" + (person.problem.map { " (was: \($0))" } ?? "")))
            }
            print("\(outcome.people.count) entr\(outcome.people.count == 1 ? "y" : "ies") vouched for by \(author.identity.email)")
            print("  directory \(directory.abbreviated()), \(author.signer.map { "signed with \($0.description)" } ?? "unsigned")")
        }
    }
}

/// Writes one trust change and says what it did.
private func writeTrust(_ change: TrustChange, session: LedgerSession) throws {
    let author = try session.writer()
    let result = try session.store.changeTrust(change, by: author)
    for entry in result.entries {
        print("\(change.action) \(TerminalText.escape(entry.principals.joined(separator: ","))) \(entry.key.fingerprint)")
    }
    print("  commit \(result.commit.abbreviated()), \(author.signer.map { "signed with \($0.description)" } ?? "unsigned")")
}

/// `readiness trust list`.
struct TrustListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the keys the ledger trusts at its head (exit 21 when its history does not verify).",
        discussion: HelpExamples.trustList)

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    /// One trusted key, as printed.
    struct Row: Codable {
        var principals: [String]
        var key: String
        var type: String
        var validAfter: String?
        var validBefore: String?
        var namespaces: String?
    }

    func run() throws {
        try reportingErrors {
            // The trust of the verified state: a key that trusted itself in an unverified commit is not listed.
            let session = try ledgerOptions.session()
            try session.requireVerified(before: "list the trusted keys")
            let snapshot = try session.store.snapshot()
            var rows = try snapshot.allowedSigners().entries.map { entry in
                Row(principals: entry.principals, key: entry.key.fingerprint, type: entry.key.keyType,
                    validAfter: entry.options["valid-after"], validBefore: entry.options["valid-before"], namespaces: entry.options["namespaces"])
            }
            rows += try snapshot.openPGPSigners().entries.map { entry in
                Row(principals: [entry.principal], key: "openpgp:\(entry.fingerprint)", type: "openpgp")
            }
            if output.json {
                JSONOutput.print("trust", fields: [("head", .string(snapshot.commit.id.hex)), ("signers", JSONWriter.Value(reflecting: rows))])
                return
            }
            for row in rows {
                var line = "\(TerminalText.escape(row.principals.joined(separator: ",")))  \(row.key)  \(row.type)"
                if let after = row.validAfter { line += "  valid-after \(after)" }
                if let before = row.validBefore { line += "  valid-before \(before)" }
                print(line)
            }
        }
    }
}
