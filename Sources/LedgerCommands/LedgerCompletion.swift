import ArgumentParser
import Ledger

/// Shell completion of the ledger's own words (item ids and numbers, section ids and numbers,
/// tags, actions), not only of flags: the completion scripts
/// (`readiness --generate-completion-script bash|zsh|fish`) call back into `readiness` on TAB,
/// which reads the ledger the command line names with `--ledger`, or finds it as every command
/// does.
enum LedgerCompletion {
    /// Items: full ids and numbers.
    static let item = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.items + $0.itemNumbers }(words)
    }
    /// Sections: ids and numbers.
    static let section = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.sections + $0.sectionNumbers }(words)
    }
    /// A section or an item (policy rules take either).
    static let sectionOrItem = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.sections + $0.items }(words)
    }
    /// Required sections for the gate: section ids and `all`.
    static let requirement = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.sections + ["all"] }(words)
    }
    /// Tags of the current definition.
    static let tag = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.tags }(words)
    }
    /// Actions the ledger's events can carry.
    static let action = CompletionKind.custom { words, _, prefix in
        matching(prefix) { $0.actions }(words)
    }

    /// The candidates `pick` chooses from the ledger of `words` that start with `prefix`.
    private static func matching(_ prefix: String, _ pick: @escaping (CompletionCandidates) -> [String]) -> ([String]) -> [String] {
        { words in pick(CompletionCandidates.load(ledger: ledgerOption(in: words))).filter { $0.hasPrefix(prefix) } }
    }

    /// The `--ledger` value on the command line being completed, unquoted; the shell passes
    /// words as typed, quotes included.
    static func ledgerOption(in words: [String]) -> String? {
        var value: String?
        for (index, word) in words.enumerated() {
            if word == "--ledger", index + 1 < words.count, !words[index + 1].isEmpty {
                value = words[index + 1]
            } else if word.hasPrefix("--ledger=") {
                value = String(word.dropFirst("--ledger=".count))
            }
        }
        guard var text = value else { return nil }
        if text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first {
            text = String(text.dropFirst().dropLast())
        }
        return text.isEmpty ? nil : text
    }
}
