import Crypto
import FoundationEssentials
import Git

/// Writes an evidence pack: events.json, report.md, report.html, history.bundle (the ledger
/// branch as a stock-git bundle), allowed_signers, README.txt and MANIFEST.sha256 over the rest.
/// Holds no wall-clock time: the range end (its commit's time) is the pack's only date, and
/// every list is in a fixed order, so exporting the same range twice gives identical bytes.
public enum EvidencePack {
    /// The files of a pack besides the manifest, in manifest order.
    public static let fileNames = ["README.txt", "allowed_signers", "events.json", "history.bundle", "report.html", "report.md"]

    /// The files `--with-identities` adds for a pseudonymous ledger.
    public static let identityFileNames = ["directory.pack", "identities.json"]

    /// Writes the pack for `request` into `directory`, which must not exist or be empty.
    /// `withIdentities` adds, for a pseudonymous ledger, the directory's entries and opened
    /// texts of what the pack shows (identities.json, and directory.pack to check them with
    /// stock git); on a plain ledger it changes nothing, since its history names everyone.
    /// Returns the names of the files written, manifest last.
    @discardableResult
    public static func write(store: LedgerStore, request: EvidenceRequest, to directory: String,
                             programs: VerificationPrograms, withIdentities: Bool = false) throws -> [String] {
        let fileManager = FileManager.default
        var isDirectory = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            let contents = isDirectory ? try? fileManager.contentsOfDirectory(atPath: directory) : nil
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
        var content = try EvidenceContent(selection: selection, verdicts: verdicts.verdict(for:))
        // Pseudonymity is a property of the ledger (it cannot be turned off), read at the head.
        if try store.snapshot().settings.isPseudonymous {
            content.identityMode = withIdentities ? .included : .pseudonymsOnly
            if withIdentities { content.identities = try EvidenceIdentities(content: content, store: store, verifier: verifier) }
        }
        let signers = try AuditAllowedSigners.build(selection: selection)
        var files: [String: Data] = [
            "events.json": content.eventsJSON,
            "report.md": EvidenceReports.markdown(content),
            "report.html": EvidenceHTMLReport.render(content),
            "allowed_signers": Data(signers.utf8),
            "README.txt": Data(readme(content: content, branch: store.branch).utf8),
        ]
        if let identities = content.identities { files["identities.json"] = identities.json }
        let names = (fileNames + (content.identities == nil ? [] : identityFileNames)).sorted()
        let join = { (name: String) in PathText.appending(name, to: directory) }
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            progress.update(4, detail: "packing the history bundle (git pack-objects)", phase: true)
            files["history.bundle"] = try bundle(store: store, to: join("history.bundle"))
            if let identities = content.identities { files["directory.pack"] = try objectPack(store: store, objects: identities.objects) }
            progress.update(5, detail: "writing the files and the manifest", phase: true)
            for name in names where name != "history.bundle" {
                try files[name]!.write(to: URL(fileURLWithPath: join(name)))
            }
            let manifest = names.map { name in
                NumberText.hex(SHA256.hash(data: files[name]!)) + "  " + name + "\n"
            }.joined()
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: join("MANIFEST.sha256")))
        } catch {
            for name in names + ["MANIFEST.sha256"] { try? fileManager.removeItem(atPath: join(name)) }
            throw error
        }
        return names + ["MANIFEST.sha256"]
    }

    /// Exactly `objects` as a pack, written like the history bundle's (one thread, no deltas,
    /// no reuse) so the bytes do not depend on how the repository is packed. An auditor reads it
    /// with `git unpack-objects`, which needs no other object.
    static func objectPack(store: LedgerStore, objects: [ObjectID]) throws -> Data {
        let environment = ProcessRunner.gitEnvironment(ProcessInfo.processInfo.environment)
        let pack = try ProcessRunner.run("git", ["--git-dir", store.repository.gitDirectory, "-c", "pack.useBitmaps=false", "-c", "pack.allowPackReuse=false",
                                                 "pack-objects", "--stdout", "--threads=1", "--no-reuse-delta", "--no-reuse-object", "--window=0", "--quiet"],
                                         stdin: Data(objects.map { "\($0.hex)\n" }.joined().utf8), environment: environment, failure: .storage)
        guard pack.status == 0, !pack.stdout.isEmpty else {
            throw LedgerError(.storage, "git pack-objects failed: \(pack.stderrText)", hint: "check that stock git is installed")
        }
        return pack.stdout
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

        \(identitiesSection(content, branch: branch))
        """
    }

    /// What the README says about identities: plainly whether the pack holds them, and for a
    /// pack that does, how to check each entry and text with stock tools.
    static func identitiesSection(_ content: EvidenceContent, branch: String) -> String {
        switch content.identityMode {
        case .plainLedger:
            return """
            Identities: INCLUDED. This ledger is not pseudonymous: its signed history, and so every
            file of this pack, names every signer by name and e-mail.

            """
        case .pseudonymsOnly:
            return """
            Identities: NOT INCLUDED. This ledger is pseudonymous: its signed history names signers
            by pseudonym (p-<hex>@pseudonym.invalid) and stores notes, reasons, evidence links and
            evidence file names as salted SHA-256 commitments (sealed:sha256:<hex>). This pack
            holds no name, e-mail, note text, evidence link or evidence file name; it
            shows pseudonyms and sealed commitments as the history stores them. A pack with the
            identities of its range is made with `readiness evidence --with-identities`.

            """
        case .included:
            guard let identities = content.identities else { return "" }
            let directory = identities.directoryCommit.hex
            return """
            Identities: INCLUDED. This ledger is pseudonymous; its signed history names signers by
            pseudonym and stores notes and reasons as salted SHA-256 commitments. This pack adds,
            from the ledger's directory (refs/readiness/directory, commit \(directory)),
            only what the pack shows: the name and e-mail of each pseudonym that occurs in it and
            the text of each of its sealed notes. The reports show "Name <e-mail> (p-...)" and the
            opened texts; "[erased]" marks a person or text that `readiness forget` erased.

              identities.json  the directory commit, the entries (pseudonym, name, e-mail), the
                               opened texts (commitment, author, salt, text), and what was erased
              directory.pack   the directory commit, its trees, and the files of the entries and
                               texts above (with the entries' signatures), and nothing else:
                               the trees list every pseudonym and
                               commitment of the directory, but the data of no one outside the pack

            The directory commit is signed by a trusted signer, and each entry (people/<p>.json)
            by the admin it names as "vouchedBy", over its exact bytes (people/<p>.sig); both are
            judged by the trust file at the head of the history. Check them with stock tools:

              git init -q --bare directory.git
              git -C directory.git unpack-objects -q < directory.pack
              git -C ledger.git show \(branch):trust/allowed_signers > head_allowed_signers
              git -C directory.git -c gpg.ssh.allowedSignersFile="$PWD/head_allowed_signers" verify-commit \(directory)
              git -C directory.git cat-file blob \(directory):people/<p>.json > entry
              git -C directory.git cat-file blob \(directory):people/<p>.sig > entry.sig
              ssh-keygen -Y verify -f head_allowed_signers -n git -I <vouchedBy of entry> -s entry.sig < entry

            and that <vouchedBy> is an admin: git -C ledger.git show \(branch):policy.json

            A text's commitment is SHA-256 of its 32 salt bytes followed by its UTF-8 bytes; the
            directory stores it as "<author> <salt hex>", a newline, then the text. To check every
            text of this pack against its commitment (which the signed item files and events.json
            hold as sealed:sha256:<commitment>):

              for c in $(git -C directory.git ls-tree --name-only \(directory):texts); do
                git -C directory.git cat-file -e \(directory):texts/$c 2>/dev/null || continue
                git -C directory.git cat-file blob \(directory):texts/$c > text
                echo "$c $( { head -n1 text | cut -d' ' -f2 | xxd -r -p; tail -n +2 text; } | sha256sum | cut -d' ' -f1 )"
              done

            Each line must show the same hash twice.

            """
        }
    }
}
