/// The bitmap commands (Redis's `bitops.c`): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD.
enum BitCommands {
    static let specs: [CommandSpec] = []
}
