import ArgumentParser

/// The `readiness` command: its subcommands and version.
public struct ReadinessCommand: ParsableCommand {
    /// What `readiness --version` prints.
    public static let version = "0.1.0"
    /// The command's name, which every top-level leaf command names as its super-command (see
    /// `ReadinessMain.parseLeaf`).
    static let name = "readiness"

    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: name,
        abstract: "Keep a production-readiness checklist as signed commits in its own git repository.",
        discussion: """
            Every sign-off is one signed commit; identity and key come from the same git config that \
            `git commit -S` uses. Exit codes: 0 ok, 3 not a ledger, 4 unknown item, 5 invalid input, \
            6 signing, 7 untrusted key or refused by the policy, 8 conflict with the ledger's state, 9 ledger format too new, \
            10 storage, 20 gate blocked, 21 verification failed (or not the pinned ledger), 64 usage.
            """,
        version: version,
        subcommands: [InitCommand.self, CheckCommand.self, UncheckCommand.self, WaiveCommand.self, ApproveCommand.self, StatusCommand.self,
                      HistoryCommand.self, BlameCommand.self, TimelineCommand.self, DiffCommand.self,
                      ShowCommand.self, ChecklistCommand.self, GateCommand.self, DueCommand.self, HookCommand.self, TrustCommand.self, PolicyCommand.self, VerifyCommand.self, RecoverCommand.self, EvidenceCommand.self, SubjectCommand.self, ForgetCommand.self,
                      CloneCommand.self, PullCommand.self, PushCommand.self, SyncCommand.self]
    )

    /// Creates the command (ArgumentParser needs it public).
    public init() {}
}
