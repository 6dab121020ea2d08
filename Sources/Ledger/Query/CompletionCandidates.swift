import FoundationEssentials

/// The words a shell completes from a ledger: item ids and numbers, section ids and numbers,
/// tags and actions, read from the definition at the head (and the event index for actions).
/// Completion runs on every TAB, so it only reads (catching the event index up, as every query
/// does), never verifies, and fails silently.
public struct CompletionCandidates: Sendable, Equatable {
    /// Full ids of the current items (`sikkerhet/ssl-sertifikater-…`), in checklist order.
    public var items: [String] = []
    /// Item numbers (`1.1`), in checklist order.
    public var itemNumbers: [String] = []
    /// Section ids, in checklist order.
    public var sections: [String] = []
    /// Section numbers, in checklist order.
    public var sectionNumbers: [String] = []
    /// Every tag of the current definition, sorted.
    public var tags: [String] = []
    /// The item actions and every other action the ledger's history holds, sorted.
    public var actions: [String] = ItemAction.allCases.map(\.rawValue).sorted()

    /// Creates an empty set (actions only).
    public init() {}

    /// Reads the candidates of the ledger found as every command finds it (`--ledger`, then
    /// `$READINESS_LEDGER`, `git config readiness.ledger`, the ledger you stand in); an empty
    /// set when there is none or it cannot be read.
    public static func load(ledger option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) -> CompletionCandidates {
        var candidates = CompletionCandidates()
        // The shell passes the words as typed: a `--ledger ~/…` it would expand on running is not expanded yet.
        let option = option.map { PathExpansion.expandTilde($0, environment: environment) ?? $0 }
        guard let location = try? LedgerLocator.locate(option: option, environment: environment, currentDirectory: currentDirectory),
              let store = try? LedgerStore.open(at: location.path),
              let queries = try? LedgerQueries(store: store) else { return candidates }
        let checklist = queries.snapshot.checklist
        candidates.items = checklist.allItems.map(\.fullID)
        candidates.itemNumbers = checklist.allItems.map(\.item.number)
        candidates.sections = checklist.sections.map(\.id)
        candidates.sectionNumbers = checklist.sections.map(\.number)
        candidates.tags = Set(checklist.allItems.flatMap(\.item.tags)).sorted()
        candidates.actions = Set(candidates.actions).union(queries.index.actions).sorted()
        return candidates
    }
}
