import Crypto
import Foundation
import Git

/// Writes an evidence pack: events.json, report.md, report.html, history.bundle (the ledger
/// branch as a stock-git bundle), allowed_signers, README.txt and MANIFEST.sha256 over the rest.
/// Holds no wall-clock time: the range end (its commit's time) is the pack's only date, and
/// every list is in a fixed order, so exporting the same range twice gives identical bytes.
public enum EvidencePack {
    /// The files of a pack besides the manifest, in manifest order.
    public static let fileNames = ["README.txt", "allowed_signers", "events.json", "history.bundle", "report.html", "report.md"]

    /// Writes the pack for `request` into `directory`, which must not exist or be empty.
    /// Returns the names of the files written, manifest last.
    @discardableResult
    public static func write(store: LedgerStore, request: EvidenceRequest, to directory: String,
                             programs: VerificationPrograms) throws -> [String] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            let contents = isDirectory.boolValue ? try? fileManager.contentsOfDirectory(atPath: directory) : nil
            guard let contents, contents.isEmpty else {
                throw LedgerError(.conflict, "\(directory) already exists and is not an empty directory",
                                  hint: "give --out a new or empty directory; evidence never overwrites")
            }
        }
        let progress = ProgressReport("writing the evidence pack, step", total: 5)
        defer { progress.finish() }
        progress.update(1, detail: "selecting the events", phase: true)
        let selection = try EvidenceSelection(store: store, request: request)
        // Every commit in range gets its verdict from the verified state of the whole history.
        progress.update(2, detail: "verifying the history", phase: true)
        let verifier = LedgerVerifier(store: store, programs: programs)
        let verdicts = LedgerVerdicts(verifier: verifier, state: try verifier.verifiedState())
        progress.update(3, detail: "rendering the reports", phase: true)
        let content = try EvidenceContent(selection: selection, verdicts: verdicts.verdict(for:))
        let signers = try AuditAllowedSigners.build(selection: selection)
        var files: [String: Data] = [
            "events.json": content.eventsJSON,
            "report.md": EvidenceReports.markdown(content),
            "report.html": EvidenceHTMLReport.render(content),
            "allowed_signers": Data(signers.utf8),
            "README.txt": Data(readme(content: content, branch: store.branch).utf8),
        ]
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            progress.update(4, detail: "packing the history bundle (git pack-objects)", phase: true)
            files["history.bundle"] = try bundle(store: store, to: (directory as NSString).appendingPathComponent("history.bundle"))
            progress.update(5, detail: "writing the files and the manifest", phase: true)
            for name in fileNames where name != "history.bundle" {
                try files[name]!.write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
            }
            let manifest = fileNames.map { name in
                SHA256.hash(data: files[name]!).map { String(format: "%02x", $0) }.joined() + "  " + name + "\n"
            }.joined()
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("MANIFEST.sha256")))
        } catch {
            for name in fileNames + ["MANIFEST.sha256"] { try? fileManager.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
            throw error
        }
        return fileNames + ["MANIFEST.sha256"]
    }

    /// The ledger branch as a v2 git bundle, written the way `git bundle create` does (header,
    /// then `git pack-objects --revs`) but with one thread, no deltas (`--window=0`) and no reuse
    /// of packed objects or bitmaps: delta choice breaks ties by where objects sit in existing packs, so
    /// without this the bytes would change when the ledger repository is repacked. Ledger
    /// objects are small, so whole objects cost little. Checked with `git bundle verify`.
    static func bundle(store: LedgerStore, to path: String) throws -> Data {
        let gitDir = store.repository.gitDirectory
        let environment = ProcessRunner.gitEnvironment(ProcessInfo.processInfo.environment)
        let head = try store.head()
        let pack = try ProcessRunner.run("git", ["--git-dir", gitDir, "-c", "pack.useBitmaps=false", "-c", "pack.allowPackReuse=false", "pack-objects", "--stdout", "--revs", "--threads=1",
                                                 "--no-reuse-delta", "--no-reuse-object", "--window=0", "--quiet"],
                                         stdin: Data("\(head.hex)\n".utf8), environment: environment, failure: .storage)
        guard pack.status == 0, !pack.stdout.isEmpty else {
            throw LedgerError(.storage, "git pack-objects failed: \(pack.stderrText)", hint: "check that stock git is installed")
        }
        // HEAD too, so that `git clone` of the bundle checks out the ledger branch.
        var data = Data("# v2 git bundle\n\(head.hex) \(store.branch)\n\(head.hex) HEAD\n\n".utf8)
        data.append(pack.stdout)
        try data.write(to: URL(fileURLWithPath: path))
        let verify = try ProcessRunner.run("git", ["--git-dir", gitDir, "bundle", "verify", "--quiet", path], environment: environment, failure: .storage)
        guard verify.status == 0 else {
            throw LedgerError(.storage, "the history bundle does not verify: \(verify.stderrText)")
        }
        return data
    }

    static func readme(content: EvidenceContent, branch: String) -> String {
        """
        Evidence pack for ledger "\(content.ledgerName)"
        Range: \(content.since ?? "beginning") to \(content.endTime) (end commit \(content.endCommit))

        Files
          events.json      every event in range: item, action, states, signer, time, note,
                           evidence, commit id and the signature verdict; the checklist
                           definition as of the end of the range
          report.md/.html  the same as a report, with a timeline and a readiness chart
          history.bundle   the whole ledger branch (\(branch)) as a git bundle
          allowed_signers  every SSH key the ledger trusted up to the end of the range, each
                           limited to when it was trusted (valid-after: the commit that added
                           it; valid-before: the commit that removed it), so stock git judges
                           every commit by the trust of its own time
          MANIFEST.sha256  SHA-256 of every other file

        Check it yourself with stock tools, from inside this directory:

          sha256sum -c MANIFEST.sha256
          git clone --bare history.bundle ledger.git
          git -C ledger.git fsck --full --strict
          git -C ledger.git log --format='%H %cI %ce %s' \(content.endCommit)
          git -C ledger.git -c gpg.ssh.allowedSignersFile="$PWD/allowed_signers" log --show-signature \(content.endCommit)
          git -C ledger.git -c gpg.ssh.allowedSignersFile="$PWD/allowed_signers" verify-commit \(content.endCommit)

        Every commit id in events.json must exist in ledger.git, and `git show <commit>` shows the
        item file it changed. To verify every commit in the range:

          for c in $(git -C ledger.git rev-list \(content.endCommit)); do
            git -C ledger.git -c gpg.ssh.allowedSignersFile="$PWD/allowed_signers" verify-commit "$c" || echo "FAILED $c"
          done

        allowed_signers is derived from the history of trust/allowed_signers, which you can read
        yourself: git -C ledger.git log -p -- trust/allowed_signers

        """
    }
}
