# Prints DirectiveTable.swift's entries from Redis 7.0.15's config.c and a recorded CONFIG GET *.
# Inputs: /tmp/config.c (git --git-dir=<redis mirror> show 7.0.15:src/config.c) and /tmp/cfg.tsv
# (testdata/redis-7.0.15-config-get.tsv). dir and bind defaults are then set to Cairn's by hand.
import re
src = open('/tmp/config.c').read()
body = src[src.index('standardConfig static_configs[] = {'):src.index('/* NULL Terminator')]
enums = {}
for m in re.finditer(r'configEnum (\w+)\[\] = \{(.*?)\{NULL', src, re.S):
    enums[m.group(1)] = re.findall(r'\{"([^"]+)"', m.group(2))
defaults = {}
for line in open('/tmp/cfg.tsv'):
    k, _, v = line.rstrip('\n').partition('\t')
    defaults[k] = v
hidden_defaults = {'use-exit-on-panic':'no','rdb-key-save-delay':'0','key-load-delay':'0','watchdog-period':'0','loading-process-events-interval-bytes':'2097152'}
defaults.update(hidden_defaults)
# Values the reference server was started with, replaced by Redis's own defaults.
defaults.update({'port':'6379','save':'3600 1 300 100 60 10000','daemonize':'no'})
C = {'INT_MAX':2147483647,'INT_MIN':-2147483648,'UINT_MAX':4294967295,'LONG_MAX':9223372036854775807,
     'LLONG_MAX':9223372036854775807,'ULLONG_MAX':9223372036854775807,'SSIZE_MAX':9223372036854775807,
     'CONFIG_DEFAULT_HZ':10}
def ev(s):
    s = s.strip()
    if s in C: return C[s]
    s = s.replace('ll','')
    if re.fullmatch(r'0[0-7]+', s): return int(s, 8)
    return eval(s.replace('<<','<<'))
out = []
for m in re.finditer(r'create(\w+)Config\((.*?)\),?\s*(?:/\*.*?\*/)?\s*\n', body):
    typ, args = m.group(1), [a.strip() for a in re.split(r',(?![^(]*\))', m.group(2))]
    name = args[0].strip('"'); alias = args[1]
    alias = 'nil' if alias == 'NULL' else alias
    flags = args[2]
    fl = []
    if 'IMMUTABLE_CONFIG' in flags: fl.append('.immutable')
    if 'HIDDEN_CONFIG' in flags: fl.append('.hidden')
    if 'MULTI_ARG_CONFIG' in flags: fl.append('.multipleArguments')
    if 'SENSITIVE_CONFIG' in flags: fl.append('.sensitive')
    if typ == 'Bool': kind = '.boolean'
    elif typ in ('String', 'SDS'): kind = '.string'
    elif typ == 'Enum':
        vals = enums[args[3]]
        kind = '.enumeration([%s])' % ', '.join('"%s"' % v for v in vals)
    elif typ == 'Special': kind = '.special'
    else:
        lo, hi = ev(args[3]), ev(args[4]); nf = args[7]
        unit = '.plain'
        if 'MEMORY_CONFIG' in nf and 'PERCENT_CONFIG' in nf: unit = '.memoryOrPercent'
        elif 'MEMORY_CONFIG' in nf: unit = '.memory'
        elif 'OCTAL_CONFIG' in nf: unit = '.octal'
        unsigned = 'true' if typ in ('UInt', 'ULongLong', 'SizeT') else 'false'
        kind = '.integer(%d...%d, %s, unsigned: %s)' % (lo, hi, unit, unsigned)
    d = defaults[name]
    dq = d.replace('\\', '\\\\').replace('"', '\\"')
    out.append('        Directive("%s", alias: %s, %s, default: "%s", flags: [%s]),' % (name, alias, kind, dq, ', '.join(fl)))
print('\n'.join(out))
print(len(out))
