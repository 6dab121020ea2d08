import FoundationEssentials
import Git

/// Finds the ledger a command should use, in git's spirit of "explicit beats ambient":
/// `--ledger PATH`, then `READINESS_LEDGER`, then `git config readiness.ledger` of the repository
/// you stand in, then the ledger repository you stand in.
public enum LedgerLocator {
    /// Where a ledger path came from, so messages can say so.
    public enum Source: Equatable, Sendable {
        case option, environment, gitConfig(repository: String), currentRepository
    }

    /// The ledger path and where it came from; throws `.notALedger` when nothing names one.
    public static func locate(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> (path: String, source: Source) {
        try locate(option: option, environment: environment, currentDirectory: currentDirectory) {
            let repository = try? Repository.discover(from: currentDirectory)
            return (repository, try repository?.config().string("readiness.ledger"))
        }
    }

    /// `locate`, asking `standingIn` for the repository you stand in (nil: none) and its
    /// `readiness.ledger` only when neither the option nor the environment names a ledger: the
    /// gate has already found both while reading the rest of that repository's config.
    static func locate(option: String?, environment: [String: String], currentDirectory: String,
                       standingIn: () throws -> (repository: Repository?, configured: String?)) throws -> (path: String, source: Source) {
        if let option, !option.isEmpty { return (option, .option) }
        if let fromEnvironment = environment["READINESS_LEDGER"], !fromEnvironment.isEmpty {
            return (fromEnvironment, .environment)
        }
        let (repository, configured) = try standingIn()
        if let repository {
            if let configured, !configured.isEmpty {
                // A relative path is relative to the repository that configures it, as git's own paths are.
                let base = repository.workingDirectory ?? repository.gitDirectory
                let resolved = configured.hasPrefix("/") ? configured : URL(fileURLWithPath: base).appendingPathComponent(configured).standardizedFileURL.path
                return (resolved, .gitConfig(repository: base))
            }
            if let head = try? repository.headBranch(), let target = try? repository.referenceTarget(head),
               let commit = try? repository.commit(target),
               (try? repository.entry(atPath: LedgerLayout.settingsPath, inTree: commit.treeID)) != nil {
                return (repository.gitDirectory, .currentRepository)
            }
        }
        throw LedgerError(.notALedger, "no ledger given and none found from \(currentDirectory)",
                          hint: "pass --ledger PATH, set READINESS_LEDGER, or run `git config readiness.ledger PATH` in your repository")
    }

    /// Locates and opens the ledger.
    public static func open(option: String?) throws -> LedgerStore {
        try LedgerStore.open(at: locate(option: option).path)
    }
}
