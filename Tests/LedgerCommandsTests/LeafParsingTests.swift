import ArgumentParser
@testable import Ledger
@testable import LedgerCommands
import XCTest

/// The start-up shortcut (`ReadinessMain.parseLeaf`) parses a top-level command on its own,
/// and must give exactly what the whole tree gives, or nothing.
final class LeafParsingTests: XCTestCase {
    private func dumped(_ command: any ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    /// Every top-level command without subcommands names `readiness` as its super-command
    /// (which is what lets the shortcut skip argument-parser's completion check); nothing else
    /// does, so help and completion from the root are unchanged.
    func testOnlyTopLevelLeavesNameTheirSuperCommand() {
        XCTAssertNil(ReadinessCommand.configuration._superCommandName)
        var leaves = 0
        for command in ReadinessCommand.configuration.subcommands {
            let name = command.configuration.commandName ?? "?"
            if command.configuration.subcommands.isEmpty {
                XCTAssertEqual(command.configuration._superCommandName, "readiness", "readiness \(name)")
                leaves += 1
            } else {
                XCTAssertNil(command.configuration._superCommandName, "readiness \(name)")
                for nested in command.configuration.subcommands {
                    XCTAssertNil(nested.configuration._superCommandName, "readiness \(name) \(nested.configuration.commandName ?? "?")")
                }
            }
        }
        XCTAssertEqual(leaves, 22)
    }

    /// Every example of every help, and a few more argument lists: the shortcut's command is
    /// the tree's, field by field.
    func testTheShortcutParsesAsTheTreeDoes() throws {
        var lists: [[String]] = [
            ["status"], ["status", "--json", "--summary"], ["status", "--as-of", "main~3", "--ledger", "/l.git"],
            ["check", "1.1", "--note", "n", "--evidence", "https://e.example/1"], ["check", "--", "-1"], ["gate", "--require", "1", "--require", "2", "--at", "2026-12-31"],
            ["timeline", "--since", "2026-01-01", "--json"], ["history", "sikkerhet/ssl", "--skip-signatures"],
        ]
        for command in ReadinessCommand.configuration.subcommands {
            let lines = command.configuration.discussion.split(separator: "\n").filter { $0.hasPrefix("  readiness ") }
            for line in lines {
                let text = String(line.dropFirst("  readiness ".count)).split(separator: " > ")[0]
                if let words = CommandLineSplitter.split(String(text)) { lists.append(words) }
            }
        }
        var shortcuts = 0
        for arguments in lists {
            let tree = try ReadinessCommand.parseAsRoot(arguments)
            guard let leaf = ReadinessMain.parseLeaf(arguments) else {
                XCTAssertFalse(ReadinessCommand.configuration.subcommands.contains { $0.configuration.commandName == arguments.first && $0.configuration.subcommands.isEmpty },
                               "\(arguments) names a leaf but was not parsed by the shortcut")
                continue
            }
            shortcuts += 1
            XCTAssertTrue(type(of: leaf) == type(of: tree), "\(arguments)")
            XCTAssertEqual(dumped(leaf), dumped(tree), "\(arguments)")
        }
        XCTAssertGreaterThan(shortcuts, 30)
    }

    /// Help, completion requests, errors and nested commands are left to the tree, so their
    /// output and messages are the tree's.
    func testEverythingElseIsLeftToTheTree() {
        let lists: [[String]] = [
            [], ["--version"], ["--help"], ["help", "status"], ["--ledger", "/l.git", "status"],
            ["status", "--help"], ["status", "-h"], ["status", "help"], ["status", "--version"],
            ["status", "--generate-completion-script", "bash"], ["status", "--generate-completion-script"],
            ["status", "---completion", "--", "--as-of", ""], ["status", "--bogus"], ["status", "extra"],
            ["check"], ["check", "1.1", "--until"],
            ["trust", "list"], ["policy", "show"], ["hook", "status"], ["stauts"],
        ]
        for arguments in lists {
            XCTAssertNil(ReadinessMain.parseLeaf(arguments), "\(arguments)")
        }
    }
}
