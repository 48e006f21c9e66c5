#!/usr/bin/env python3
"""Issue 19's measure of the ngspice corpus survey: which files are in scope, and how many match.

Usage: scripts/corpus_scope.py [NG_CORPUS_DIR] > scope.tsv, after ../shared/tools/ngspice_corpus.sh
wrote NG_CORPUS_DIR/results.tsv (default: the survey's, ng-corpus in the temp folder). A file is out of scope when it (or a
file it includes) has an XSPICE `A` element, a MESFET `Z` element, or a MOS model of level above
3 (BSIM and the rest); a file whose ngspice 39 raw file is cut off mid-header (ngspice crashed,
as on BJT `.sens`) counts as one ngspice does not run. Prints each file with its status and
scope; the totals go to stderr.
"""
import re, os, sys
W = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get('TMPDIR', '/tmp'), 'ng-corpus')
def text(path, seen):
    if path in seen or not os.path.isfile(path): return ''
    seen.add(path)
    t = open(path, errors='replace').read()
    out = [t]
    for m in re.finditer(r'^\s*\.(?:include|inc|lib)\s+"?([^\s"]+)"?', t, re.I | re.M):
        out.append(text(os.path.join(os.path.dirname(path), m.group(1)), seen))
    return '\n'.join(out)
def reason(t):
    lines = [l.strip().lower() for l in t.splitlines()]  # first line of the top file is the title
    # join continuations
    j = []
    for l in lines:
        if l.startswith('+') and j: j[-1] += ' ' + l[1:]
        else: j.append(l)
    for l in j[1:]:
        if l.startswith('*') or not l: continue
        if l[0] == 'a': return 'xspice-A'
        if l[0] == 'z': return 'mesfet-Z'
        if l.startswith('.model'):
            w = l.split()
            if len(w) >= 3:
                typ = w[2].split('(')[0]
                if typ in ('nmos', 'pmos'):
                    m = re.search(r'level\s*=\s*([0-9.]+)', l)
                    if m and float(m.group(1)) > 3: return 'mos-level-%s' % m.group(1)
                if 'bsim' in typ: return 'bsim'
    return ''
def crashed(ref):
    """ngspice wrote a plot header and died (a 'No. Points:' line without a count)."""
    with open(ref, 'rb') as f:
        for line in f:
            if line.startswith(b'No. Points:') and not line[11:].strip().isdigit():
                return True
    return False
res = [l.rstrip('\n').split('\t') for l in open(os.path.join(W, 'results.tsv'))]
tot = {}
for r in res:
    f, st = r[0], r[1]
    d = os.path.join(W, os.path.dirname(f)); n = os.path.splitext(os.path.basename(f))[0]
    why = reason(text(os.path.join(d, n + '.b.net'), set()))
    ref = os.path.join(d, n + '.ref.raw')
    if st != 'ngspice-fails' and os.path.isfile(ref) and crashed(ref):
        st = 'ngspice-fails'  # ngspice 39 crashed part-way: its raw file is cut off
    scope = 'out:' + why if why else 'in'
    print('\t'.join([f, st, scope] + r[2:3]))
    if st != 'ngspice-fails':
        k = 'in' if not why else 'out'
        tot.setdefault(k, {}).setdefault(st, 0); tot[k][st] += 1
for k, v in tot.items():
    n = sum(v.values()); m = v.get('match', 0); runs = n - v.get('balun-error', 0)
    print(f'# {k}: {n} files ngspice runs; balun runs {runs}; matches {m} ({100*m/n:.0f}%)', file=sys.stderr)
