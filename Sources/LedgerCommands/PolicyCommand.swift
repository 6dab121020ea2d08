import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness policy`: who may do what, each change one signed commit by an admin.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or change the ledger's policy (policy.json): admins, owners, approvals, re-certification, waivers. Changes are admin only.",
        discussion: HelpExamples.policy,
        subcommands: [PolicyShowCommand.self, PolicyAdminsCommand.self, PolicyOwnersCommand.self, PolicyApprovalsCommand.self,
                      PolicyRecertifyCommand.self, PolicyWaiversCommand.self])
}

/// Writes one policy change and says what it did.
private func writePolicy(_ change: PolicyChange, options: LedgerOptions) throws {
    try reportingErrors {
        let session = try options.session()
        let author = try session.writer()
        // A pseudonymous ledger's policy names pseudonyms: people are given by e-mail, as elsewhere.
        let people = try session.people()
        var change = change
        switch change {
        case let .admins(principals): change = .admins(principals.map(people.principal(for:)))
        case let .owners(target, principals): change = .owners(target: target, principals: principals.map(people.principal(for:)))
        default: break
        }
        let result = try session.store.changePolicy(change, by: author)
        print("policy \(change.rule) \(TerminalText.escape(result.summary))")
        print("  commit \(result.commit.abbreviated()), \(author.signer.map { "signed with \($0.description)" } ?? "unsigned")")
    }
}

/// `readiness policy show [--json]`.
struct PolicyShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the policy in force at the head.",
        discussion: HelpExamples.policyShow)

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    /// The `--json` form.
    struct Output: Codable {
        /// False for a ledger made before policies: every trusted signer is admin and owner.
        var set: Bool
        var policy: LedgerPolicy
    }

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            try session.requireVerified(before: "show the policy")
            let current = try session.store.policy()
            let policy = current ?? PolicyJudge.legacy
            if output.json {
                JSONOutput.print("policy", Output(set: current != nil, policy: policy))
                return
            }
            if current == nil { print("no policy set: every trusted signer is admin and owner") }
            print("admins: \(TerminalText.escape(policy.admins.joined(separator: ", ")))")
            for (key, principals) in policy.owners.sorted(by: { $0.key < $1.key }) {
                print("owners \(key): \(TerminalText.escape(principals.joined(separator: ", ")))")
            }
            for (key, count) in policy.approvals.sorted(by: { $0.key < $1.key }) { print("approvals \(key): \(count) distinct signers") }
            for (key, days) in policy.recertifyDays.sorted(by: { $0.key < $1.key }) { print("recertify \(key): every \(days) days") }
            print("waivers: approval \(policy.waivers.approvalRequired ? "required" : "none"), max \(policy.waivers.maxDays.map { "\($0) days" } ?? "unlimited")")
        }
    }
}

/// `readiness policy admins PRINCIPAL...`.
struct PolicyAdminsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admins", abstract: "Set who may change trust, the policy and the definition.",
        discussion: HelpExamples.policyAdmins)

    @Argument(help: "E-mails or patterns (*@example.no).")
    var principals: [String]

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws { try writePolicy(.admins(principals), options: ledgerOptions) }
}

/// `readiness policy owners SECTION|ITEM PRINCIPAL...`.
struct PolicyOwnersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "owners", abstract: "Set who may check, uncheck, waive or approve a section's (or an item's) items.",
        discussion: HelpExamples.policyOwners)

    @Argument(help: "A section (id or number) or an item.", completion: LedgerCompletion.sectionOrItem)
    var target: String

    @Argument(help: "E-mails or patterns (*@example.no).")
    var principals: [String]

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws { try writePolicy(.owners(target: target, principals: principals), options: ledgerOptions) }
}

/// `readiness policy approvals SECTION|ITEM N`.
struct PolicyApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approvals", abstract: "Require N distinct signers for a section's (or an item's) sign-offs (2: four-eyes; 1: none).",
        discussion: HelpExamples.policyApprovals)

    @Argument(help: "A section (id or number) or an item.", completion: LedgerCompletion.sectionOrItem)
    var target: String

    @Argument(help: "How many distinct signers.")
    var count: Int

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws { try writePolicy(.approvals(target: target, count: count), options: ledgerOptions) }
}

/// `readiness policy recertify SECTION|ITEM DAYS`.
struct PolicyRecertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recertify", abstract: "Sign-offs of a section (or an item) expire after DAYS days (0: never).",
        discussion: HelpExamples.policyRecertify)

    @Argument(help: "A section (id or number) or an item.", completion: LedgerCompletion.sectionOrItem)
    var target: String

    @Argument(help: "Days a sign-off holds.")
    var days: Int

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws { try writePolicy(.recertify(target: target, days: days), options: ledgerOptions) }
}

/// `readiness policy waivers [--approval required|none] [--max-days N]`.
struct PolicyWaiversCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "waivers", abstract: "Whether waivers need another owner's approval, and their longest length.",
        discussion: HelpExamples.policyWaivers)

    @Option(name: .long, help: ArgumentHelp("required or none.", valueName: "required|none"))
    var approval: String?

    @Option(name: .long, help: ArgumentHelp("The longest waiver in days, counted from the day it is requested (0: no cap).", valueName: "days"))
    var maxDays: Int?

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            guard approval != nil || maxDays != nil else {
                throw LedgerError(.invalidInput, "nothing to change", hint: "give --approval required|none and/or --max-days N")
            }
            let required: Bool?
            switch approval {
            case nil: required = nil
            case "required": required = true
            case "none": required = false
            case let other?: throw LedgerError(.invalidInput, "--approval '\(TerminalText.escape(other))' is neither required nor none")
            }
            try writePolicy(.waivers(approvalRequired: required, maxDays: maxDays), options: ledgerOptions)
        }
    }
}
