// swift-tools-version:6.0
import PackageDescription

/// libgit2 and what it needs, linked from the static archives Debian's libgit2-dev brings with
/// its dependencies (libssh2-1-dev, libssl-dev, libpcre2-dev, libhttp-parser-dev, zlib1g-dev).
/// Loading libgit2.so and its 18 shared libraries cost every process about 2 ms before main,
/// which an everyday command cannot afford beside git's 1 ms. mbedTLS is static too (its three
/// shared objects cost 0.4 ms more); the link wraps its two CA-loading functions so that the
/// certificate deferral (Sources/CLibGit2Support/certificate_deferral.c) receives libgit2's
/// calls, and libgit2's TLS and SSH initialisers and their users so that start-up skips them
/// until a network operation needs them (network_deferral.c). Two are not linked but opened
/// when libgit2 first needs them: Kerberos (GSSAPI, for Negotiate over HTTP; Debian ships no
/// static one: gssapi_on_demand.c) and libssh2 with OpenSSL's libcrypto (for ssh:// remotes;
/// linked in, their 340 KB of pointer tables were relocated before main of every command:
/// libssh2_on_demand.c).
let linkLibGit2: [LinkerSetting] = [
    .unsafeFlags(["libgit2.a", "libpcre2-8.a", "libhttp_parser.a", "libz.a",
                  "libmbedtls.a", "libmbedx509.a", "libmbedcrypto.a"].flatMap { ["-Xlinker", "-l:\($0)"] }
                    + ["mbedtls_x509_crt_parse_file", "mbedtls_x509_crt_parse_path",
                       "git_mbedtls_stream_global_init", "git_transport_ssh_global_init", "git_mbedtls_stream_new",
                       "git_mbedtls_stream_wrap", "git_mbedtls__set_cert_location", "git_smart_subtransport_ssh"].flatMap { ["-Xlinker", "--wrap=\($0)"] },
                 .when(platforms: [.linux])),
    .linkedLibrary("git2", .when(platforms: [.macOS])),
]

/// The linker of the `readiness` binary, in every configuration: lld. GNU ld (bfd) gave the
/// release binary no RELRO segment at all (Swift emits writable `.rodata` input sections, which
/// pulled the whole read-only data into one writable segment), leaving the GOT and every
/// relocated table writable for the life of a process that parses what remotes send; gold
/// cannot pack relative relocations. `StartupLinkageTests` checks the segment is there.
let readinessLinker: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "relro"], .when(platforms: [.linux])),
]

/// How the release binary is linked, for its start-up and size (issue 15). Each flag was
/// measured with callgrind on `readiness --version` (3.28 M instructions before, 1.04 M after)
/// and `perf stat -e page-faults`:
/// - `-s` leaves out the symbol table and debug information: 57 MB become 25 MB. Nothing at
///   run time reads them; a crash backtrace of a release build then shows addresses, and a
///   debug build keeps everything for diagnosis. `READINESS_LINK_SYMBOLS=1` in the environment
///   of `swift build` keeps the symbol table (only debug information goes), for profilers and
///   for `readiness-bench layout`.
/// - libstdc++ and libgcc from GCC's static archives (StaticCxx/libstdc++.so is a linker script
///   naming the archive): the loader no longer maps libstdc++.so.6 and binds its symbols.
/// - `--no-export-dynamic` undoes the Swift static runtime's `-export-dynamic`: nothing looks up
///   this binary's symbols, and the runtime's start-up `dladdr` scanned all 9,400 of them.
/// - `-z pack-relative-relocs` (DT_RELR): the 68,000 relative relocations of a
///   position-independent binary take 16 KB instead of 1.6 MB.
/// - `--symbol-ordering-file` puts the functions everyday commands run (Layout/hot-functions.txt,
///   written by `readiness-bench layout`) together at the start of the code, so a command
///   faults in fewer pages of it: `status` 647 → 589 page faults. A function missing from the
///   list (renamed since) is only placed as it would be without one.
/// The binary stays position-independent (ASLR) although a fixed-address link would start in
/// a third of the instructions: libgit2, libssh2 and mbedTLS parse data from remotes inside it.
let releaseStartup: [LinkerSetting] = [
    .unsafeFlags([Context.environment["READINESS_LINK_SYMBOLS"] == "1" ? "--strip-debug" : "-s", "--no-export-dynamic",
                  "-z", "pack-relative-relocs",
                  "--symbol-ordering-file=" + Context.packageDirectory + "/Sources/readiness/Layout/hot-functions.txt",
                  "--no-warn-symbol-ordering"].flatMap { ["-Xlinker", $0] }
                    + ["-L", Context.packageDirectory + "/Sources/readiness/StaticCxx", "-Xclang-linker", "-static-libgcc"],
                 .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "ReadinessLedger",
    products: [
        .executable(name: "readiness", targets: ["readiness"]),
        .executable(name: "readiness-bench", targets: ["readiness-bench"]),
        .library(name: "Ledger", targets: ["Ledger"]),
    ],
    dependencies: [
        // 1.6 or later: custom completions are told the word being completed (LedgerCompletion).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Headers only: the library is linked by the Git target (linkLibGit2).
        .systemLibrary(name: "CLibGit2"),
        // Defers libgit2's start-up parse of the CA bundle until a TLS remote needs it.
        .target(name: "CLibGit2Support", dependencies: ["CLibGit2"], linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "Git", dependencies: ["CLibGit2", "CLibGit2Support"], linkerSettings: linkLibGit2),
        .target(
            name: "Ledger",
            dependencies: [
                "Git",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Shipped/produksjons-sjekkliste.md"), .embedInCode("Shipped/produksjons-sjekkliste.tags"),
                        .embedInCode("Hook/pre-push"), .embedInCode("Hook/pre-receive")]
        ),
        .target(
            name: "LedgerCommands",
            dependencies: [
                "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "readiness", dependencies: ["LedgerCommands"], exclude: ["StaticCxx", "Layout"], linkerSettings: readinessLinker + releaseStartup),
        .executableTarget(name: "readiness-bench", dependencies: ["Ledger", "Git", "ServerFixtures"]),
        // sshd, nginx + git http-backend and git daemon on 127.0.0.1, for the bench's sync suite
        // and the end-to-end server tests alike (never part of the shipped binary).
        .target(name: "ServerFixtures"),
        // Exports the hooks too, so the deferral tests exercise the interposition the executables use.
        .testTarget(name: "GitTests", dependencies: ["Git"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Git"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "readiness", "ServerFixtures"]),
        // The renderers of LedgerCommands (status, gate, history text; JSON; CSV) without the binary.
        .testTarget(name: "LedgerCommandsTests", dependencies: [
            "LedgerCommands", "Ledger",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
