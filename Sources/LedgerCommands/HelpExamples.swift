/// The Examples section of every subcommand's help (and so of the man page generated from the
/// command definitions): each example a comment saying what it does, then the command line.
/// Kept in one place so that they read alike and a test can check every command has one.
enum HelpExamples {
    /// An Examples section from (what it does, command line) pairs.
    static func section(_ examples: KeyValuePairs<String, String>) -> String {
        "Examples:\n" + examples.map { "  # \($0.key)\n  \($0.value)" }.joined(separator: "\n")
    }

    /// `discussion` followed by a blank line and the Examples section.
    static func after(_ discussion: String, _ examples: String) -> String { discussion + "\n\n" + examples }

    static let initLedger = section([
        "A ledger from the shipped checklist; you become the root of trust": "readiness init ~/ledgers/shop.git",
        "From your own checklist, with a name": "readiness init shop.git --checklist checklist.md --name 'Shop launch'",
        "Signers as pseudonyms, notes as commitments (can forget)": "readiness init shop.git --pseudonymous",
    ])
    static let check = section([
        "Sign off item 1.1 with a note and a link": "readiness check 1.1 --note 'Auto-renewed' --evidence https://ci.example.no/7",
        "By id prefix, with a file recorded by name and SHA-256": "readiness check sikkerhet/ssl --evidence-file pentest-report.pdf",
    ])
    static let uncheck = section([
        "Withdraw a sign-off": "readiness uncheck 1.1 --reason 'The renewal job failed'",
    ])
    static let waive = section([
        "Waive an item through the last day of the year": "readiness waive 6.1 --reason 'No AI in the first release' --until 2026-12-31",
    ])
    static let approve = section([
        "Approve another owner's waiver request": "readiness approve 6.1",
    ])
    static let status = section([
        "Progress per section only": "readiness status --summary",
        "Every item, retired ones too, as JSON": "readiness status --all --json",
        "The checklist as it stood on a day": "readiness status --as-of 2026-03-01",
    ])
    static let show = section([
        "Everything about item 1.1 and its last 5 events": "readiness show 1.1 --events 5",
    ])
    static let history = section([
        "Every event of an item, newest first": "readiness history sikkerhet/ssl",
        "As JSON, without checking signatures": "readiness history 1.1 --json --skip-signatures",
    ])
    static let blame = section([
        "Who made each item of section 1 what it is": "readiness blame --section 1",
    ])
    static let timeline = section([
        "One person's sign-offs since a day": "readiness timeline --by kari@example.no --action check --since 2026-03-01",
        "The events of GDPR-tagged items, as CSV": "readiness timeline --tag gdpr --csv > gdpr.csv",
    ])
    static let diff = section([
        "What changed between two audits": "readiness diff 2026-01-01 2026-03-31",
        "What changed since a commit": "readiness diff 3f9c1a7e5d2b",
    ])
    static let checklist = section([
        "Export, edit, review the plan, then update": "readiness checklist export --out checklist.md",
    ])
    static let checklistExport = section([
        "Write the definition to a file for editing": "readiness checklist export --out checklist.md",
    ])
    static let checklistUpdate = section([
        "Review the plan without writing": "readiness checklist update checklist.md --dry-run",
        "Write exactly the reviewed plan": "readiness checklist update checklist.md --base 3f9c1a7e5d2b",
    ])
    static let gate = section([
        "Block unless sections sikkerhet and database are complete": "readiness gate --require sikkerhet database",
        "In CI, pinned to the ledger's root commit": "readiness gate --ledger-root 3f9c1a7e5d2b --require all --max-age 90 --json",
    ])
    static let due = section([
        "What runs out within 30 days": "readiness due --within 30",
    ])
    static let hook = section([
        "Gate pushes of a product repository on the ledger": "readiness hook install --ledger ~/ledgers/shop.git --require sikkerhet",
    ])
    static let hookInstall = section([
        "Client hook in the repository you stand in": "readiness hook install --ledger git@git.example.no:ledger.git --require 1",
        "Server hook in a bare repository": "readiness hook install --server --repo /srv/shop.git --ledger /srv/ledger",
    ])
    static let hookUninstall = section([
        "Remove the hook and restore the one it chained to": "readiness hook uninstall",
    ])
    static let hookStatus = section([
        "Which hook is installed, with which settings": "readiness hook status --json",
    ])
    static let trust = section([
        "Trust Ola's key, then list the trusted keys": "readiness trust add ola@example.no ola.pub",
    ])
    static let trustAdd = section([
        "Trust a key for an e-mail": "readiness trust add ola@example.no ~/keys/ola.pub",
        "Trust a key until a day": "readiness trust add ola@example.no ola.pub --valid-before 2026-07-01",
    ])
    static let trustRevoke = section([
        "Stop trusting every key of an e-mail": "readiness trust revoke ola@example.no",
    ])
    static let trustList = section([
        "The keys trusted at the head": "readiness trust list",
    ])
    static let trustVouch = section([
        "Repair the entries an older ledger or an admin change left unvouched": "readiness trust vouch --all",
        "Vouch anew for one person's entry": "readiness trust vouch ola@example.no",
    ])
    static let policy = section([
        "Require two signers for every sign-off in sikkerhet": "readiness policy approvals sikkerhet 2",
    ])
    static let policyShow = section([
        "The policy in force, as JSON": "readiness policy show --json",
    ])
    static let policyAdmins = section([
        "Make two people admins": "readiness policy admins kari@example.no ola@example.no",
    ])
    static let policyOwners = section([
        "Only the security team may sign off section sikkerhet": "readiness policy owners sikkerhet '*@security.example.no'",
    ])
    static let policyApprovals = section([
        "Four eyes on section sikkerhet": "readiness policy approvals sikkerhet 2",
    ])
    static let policyRecertify = section([
        "Sign-offs of section sikkerhet hold for 90 days": "readiness policy recertify sikkerhet 90",
    ])
    static let policyWaivers = section([
        "Waivers need another owner's approval and last at most 30 days": "readiness policy waivers --approval required --max-days 30",
    ])
    static let verify = section([
        "Check every commit from the root": "readiness verify --full",
        "One commit's signature verdict": "readiness verify --commit main~2",
    ])
    static let recover = section([
        "Move the branch back to the newest verified commit": "readiness recover",
    ])
    static let evidence = section([
        "An evidence pack for the first quarter": "readiness evidence --out audit-2026q1 --since 2026-01-01 --until 2026-03-31",
        "Only GDPR-tagged items": "readiness evidence --out gdpr-pack --tag gdpr",
        "With the names and notes of a pseudonymous ledger": "readiness evidence --out audit --with-identities",
    ])
    static let subject = section([
        "Everything held about one person (GDPR Art. 15)": "readiness subject kari@example.no --json",
    ])
    static let forget = section([
        "Erase a person from a pseudonymous ledger (GDPR Art. 17)": "readiness forget ola@example.no --reason 'Request 2026-42'",
    ])
    static let clone = section([
        "Clone the shared ledger and verify it": "readiness clone git@git.example.no:/srv/git/ledger.git ~/ledgers/shop.git",
    ])
    static let pull = section([
        "Fetch, verify and merge the remote's sign-offs": "readiness pull",
    ])
    static let push = section([
        "Share your sign-offs": "readiness push",
        "Publish a new ledger and remember its remote": "readiness push --set-remote git@git.example.no:/srv/git/ledger.git",
    ])
    static let sync = section([
        "Pull, then push": "readiness sync",
    ])
}
