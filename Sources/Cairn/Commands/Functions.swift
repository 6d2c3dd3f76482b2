/// FUNCTION (functions.c), for a server that has no functions: Cairn runs no
/// scripts, so the library set is always empty. FLUSH succeeds (Redis's test
/// harness sends `FUNCTION FLUSH` before every block), LIST and STATS report
/// nothing loaded, DELETE finds no library; LOAD, RESTORE, DUMP, KILL are
/// not offered (Redis's unknown-subcommand error). Nothing here writes the
/// keyspace, so nothing is emitted.
enum FunctionCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("function", arity: -2, flags: [], group: "scripting", subcommands: [
            // functionDeleteCommand: the library is never there.
            CommandSpec("function|delete", arity: 3, flags: [.write, .noscript], group: "scripting") { _ throws(CommandError) in
                throw .err("Library not found")
            },
            // functionFlushCommand: the options are checked, then nothing to clear.
            CommandSpec("function|flush", arity: -2, flags: [.write, .noscript], group: "scripting") { context throws(CommandError) in
                if context.argumentCount > 3 {
                    throw CommandError("ERR unknown subcommand or wrong number of arguments for '"
                        + String(decoding: context.argv[1], as: UTF8.self) + "'. Try FUNCTION HELP.")
                }
                if context.argumentCount == 3 && !context.argument(2, is: "sync") && !context.argument(2, is: "async") {
                    throw .err("FUNCTION FLUSH only supports SYNC|ASYNC option")
                }
                return .simple("OK")
            },
            // functionListCommand: arguments parsed as Redis parses them, then no libraries.
            CommandSpec("function|list", arity: -2, flags: [.noscript], group: "scripting") { context throws(CommandError) in
                var withCode = false
                var libraryName = false
                var index = 2
                while index < context.argumentCount {
                    if !withCode && context.argument(index, is: "withcode") {
                        withCode = true
                    } else if !libraryName && context.argument(index, is: "libraryname") {
                        if index >= context.argumentCount - 1 { throw .err("library name argument was not given") }
                        libraryName = true
                        index += 1
                    } else {
                        throw .err("Unknown argument " + String(decoding: context.argv[index], as: UTF8.self))
                    }
                    index += 1
                }
                return .array([])
            },
            // functionStatsCommand: no script running, the Lua engine with nothing loaded.
            CommandSpec("function|stats", arity: 2, flags: [.noscript, .allowBusy], group: "scripting") { _ throws(CommandError) in
                .map([
                    .bulk(text: "running_script"), .null,
                    .bulk(text: "engines"), .map([
                        .bulk(text: "LUA"), .map([
                            .bulk(text: "libraries_count"), .integer(0),
                            .bulk(text: "functions_count"), .integer(0),
                        ]),
                    ]),
                ])
            },
        ]) { _ throws(CommandError) in
            // Unreachable: the dispatcher runs a subcommand or replies with
            // Redis's unknown-subcommand error.
            throw .syntax
        },
    ]
}
