import Cairn
import CairnRESP

/// redis-server's command line (server.c main(), 7.0.15):
/// `cairn-server [config-file] [--name value ...] [-]`.
public enum ServerCommandLine {
    /// What the command line asks for.
    public enum Action: Equatable, Sendable {
        case help
        case version
        /// Start the server: `ServerConfiguration.load(arguments:readFile:)`.
        case run
    }

    /// Like Redis, only the first argument is checked for `-v`/`--version`
    /// and `-h`/`--help`; elsewhere they are ordinary (bad) options.
    public static func action(for arguments: [String]) -> Action {
        switch arguments.first {
        case "-v", "--version": return .version
        case "-h", "--help": return .help
        default: return .run
        }
    }

    /// Printed by `--help` (to standard error, then exit 1, as redis-server).
    public static let usage = """
        Usage: cairn-server [/path/to/redis.conf] [options] [-]
               cairn-server - (read config from stdin)
               cairn-server -v or --version
               cairn-server -h or --help

        Examples:
               cairn-server (run the server with default conf)
               echo 'port 7777' | cairn-server -
               cairn-server /etc/redis/6379.conf
               cairn-server --port 7777
               cairn-server --save "" --appendfsync always
               cairn-server /etc/myredis.conf --loglevel verbose -

        Directives are Redis 7.0.15's; those Cairn does not use are accepted and
        listed at startup as ignored.

        """

    /// Printed by `--version` (to standard output, then exit 0).
    public static func versionText(version: String) -> String {
        "Cairn server v=\(version) (Redis 7.0.15 compatible)\n"
    }

    /// Where the configuration comes from.
    struct Sources: Equatable {
        var configFile: String?
        var readsStandardInput = false
        /// The options as config lines, built as main() builds them.
        var options = ""
    }

    /// main()'s loop: the first argument is a config file unless it starts
    /// with `-`; `-` as the first or last argument reads stdin; `--name`
    /// starts a line "name " and each following argument is appended quoted
    /// (sdscatrepr) with a space. A bare `--save` followed by another option
    /// or at the end becomes `save ""`.
    static func configurationSources(_ arguments: [String]) -> Sources {
        var sources = Sources()
        var index = 0
        if let first = arguments.first, !first.hasPrefix("-") {
            sources.configFile = first
            index = 1
        }
        var handledLastOptionArgument = true
        while index < arguments.count {
            let argument = arguments[index]
            let isLast = index == arguments.count - 1
            if argument == "-" && (index == 0 || isLast) {
                sources.readsStandardInput = true
            } else if handledLastOptionArgument && argument.hasPrefix("--") {
                if !sources.options.isEmpty { sources.options += "\n" }
                sources.options += argument.dropFirst(2) + " "
                let words = splitArguments(Array(argument.utf8))?.count ?? 0
                if words == 1 {
                    // Only an option name ("--port"): its value follows.
                    handledLastOptionArgument = false
                    let nextIsOption = !isLast && arguments[index + 1].hasPrefix("--")
                    if argument.lowercased() == "--save" && (nextIsOption || isLast) {
                        sources.options += "\"\""
                        handledLastOptionArgument = true
                    } else if argument.lowercased() == "--sentinel" && (nextIsOption || isLast) {
                        handledLastOptionArgument = true
                    }
                } else {
                    // "--port 6380" in one argument.
                    handledLastOptionArgument = true
                }
            } else {
                sources.options += quoted(argument) + " "
                handledLastOptionArgument = true
            }
            index += 1
        }
        return sources
    }

    /// sdscatrepr: double-quoted, with C escapes and \xHH for other
    /// unprintable bytes, so sdssplitargs reads the argument back unchanged.
    static func quoted(_ argument: String) -> String {
        sdsRepr(argument.utf8)
    }
}
