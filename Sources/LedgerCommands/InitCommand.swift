import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness init`: create a ledger repository from a Markdown checklist.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", _superCommandName: ReadinessCommand.name,
        abstract: "Create a ledger repository (bare) from a Markdown checklist, in one signed commit.",
        discussion: HelpExamples.initLedger)

    @Argument(help: ArgumentHelp("Where to create the ledger. Default: --ledger, then $READINESS_LEDGER.", valueName: "path"))
    var path: String?

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: ArgumentHelp("The Markdown checklist to import. Default: the shipped produksjons-sjekkliste.md.", valueName: "file"))
    var checklist: String?

    @Option(name: .long, help: "The ledger's name. Default: the checklist's title.")
    var name: String?

    @Flag(name: .long, help: "Accept unsigned commits in this ledger (not recommended).")
    var allowUnsigned = false

    @Option(name: .long, help: ArgumentHelp(
        "Make this SSH key (a .pub or key file) the root of trust instead of your signing key. The init commit is checked against the trust file it creates, so it must be signed by this key.",
        valueName: "keyfile"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("The e-mail the --root key is trusted for. Default: your user.email.", valueName: "email"))
    var rootPrincipal: String?

    @Flag(name: .long, help: "Keep names, e-mails and free text out of the signed history: signers appear as pseudonyms, notes as salted commitments; both resolve through a directory that `readiness forget` can erase.")
    var pseudonymous = false

    func run() throws {
        try reportingErrors {
            guard let target = path ?? ledgerOptions.ledger ?? ProcessInfo.processInfo.environment["READINESS_LEDGER"] else {
                throw LedgerError(.invalidInput, "init needs to know where to create the ledger",
                                  hint: "run `readiness init PATH`")
            }
            let (source, data) = try readChecklist()
            var imported = try MarkdownChecklistParser.parse(data, source: source)
            // The shipped checklist's tags live in a sidecar so its Markdown stays as shipped.
            if checklist == nil { imported.checklist = ShippedChecklist.applyingTags(to: imported.checklist) }
            for warning in imported.warnings { printWarning("\(source): \(warning)") }
            let author = try LedgerSession.globalWriter()
            var identity = author.identity
            let signer = author.signer
            let root = try root.map { SigningKeyIdentity.ssh(try SSHKeyFile.publicKey(at: $0)) } ?? signer?.keyIdentity()
            let ledgerName = try FreeText.validateLine(name ?? imported.checklist.title, field: "ledger name")
            var person: DirectoryEntry?
            if pseudonymous {
                if rootPrincipal != nil {
                    throw LedgerError(.invalidInput, "--root-principal cannot be used with --pseudonymous",
                                      hint: "the root of trust is your own pseudonym; omit --root-principal")
                }
                // The first writer's pseudonym: the history names them only by it.
                let pseudonym = Pseudonym.random()
                person = DirectoryEntry(pseudonym: pseudonym, name: identity.name, email: identity.email)
                identity.name = pseudonym.name
                identity.email = pseudonym.address
            }
            let blueprint = LedgerBlueprint(checklist: imported.checklist,
                                            settings: LedgerSettings(name: ledgerName, allowUnsigned: allowUnsigned, pseudonymous: pseudonymous),
                                            root: root, email: rootPrincipal ?? identity.email)
            let store = try LedgerStore.create(at: target, blueprint: blueprint, identity: identity, signer: signer, person: person)
            let head = try store.head()
            let count = imported.checklist.allItems.count
            print("Created ledger \(TerminalText.escape(target)): \(imported.checklist.sections.count) sections, \(count) items, commit \(head.abbreviated())")
            if let signer {
                if let person { print("Pseudonymous: you are \(person.pseudonym) in the signed history; the directory (\(LedgerLayout.directoryReference)) maps it to you.") }
                print("Signed by \(identity.name) <\(identity.email)> with \(signer.description); \(self.root == nil ? "that key is the root of trust" : "the --root key is the root of trust").")
            } else {
                print("Unsigned: this ledger accepts unsigned commits.")
            }
            print("Admin: \(TerminalText.escape(blueprint.policy.admins.joined(separator: ", "))) (only admins change trust and the policy; see `readiness policy show`).")
        }
    }

    private func readChecklist() throws -> (String, Data) {
        guard let checklist else { return (ShippedChecklist.defaultName, ShippedChecklist.defaultMarkdown) }
        guard let data = FileManager.default.contents(atPath: checklist) else {
            throw LedgerError(.invalidInput, "cannot read checklist \(checklist)", hint: "check the path")
        }
        return (checklist, data)
    }
}
