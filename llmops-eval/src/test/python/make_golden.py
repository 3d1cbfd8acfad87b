#!/usr/bin/python3
"""Generates the golden files under src/test/resources/golden/ used by the Java tests.

Run with Debian bookworm's /usr/bin/python3 (3.11.2) and python3-nltk 3.8-1, python3-regex, and wordnet-base
1:3.0-37 installed:   /usr/bin/python3 src/test/python/make_golden.py src/test/resources/golden

Where each value comes from:
  * porter.tsv, meteor*.jsonl, nltk_bleu.jsonl: computed by NLTK 3.8 itself (nltk.stem.porter.PorterStemmer,
    nltk.translate.meteor_score.meteor_score, nltk.translate.bleu_score.corpus_bleu); WordNet is Debian's
    /usr/share/wordnet read by NLTK's own WordNetCorpusReader.
  * sacrebleu_spec.jsonl, rouge_spec.jsonl: sacreBLEU and rouge-score are not packaged in Debian, so this script
    contains a small second implementation of their algorithms written in Python from the reference
    descriptions (it shares no code with the Java port and uses CPython's own str.split/lower/rstrip and the
    `regex` module's Unicode classes, i.e. the behaviour a Java port is most likely to get wrong). Before
    writing anything it asserts that it reproduces the published expectations of sacreBLEU's and rouge-score's
    own test suites, so a mistake in it stops the script.
"""
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
from collections import Counter

import regex
from nltk.corpus.reader.wordnet import WordNetCorpusReader
from nltk.stem.porter import PorterStemmer
from nltk.translate.bleu_score import corpus_bleu
from nltk.translate.meteor_score import meteor_score

OUT = sys.argv[1] if len(sys.argv) > 1 else "golden"
os.makedirs(OUT, exist_ok=True)
STEMMER = PorterStemmer()

# ----------------------------------------------------------------------------------------------------------
# sacreBLEU BLEU / chrF, second implementation
# ----------------------------------------------------------------------------------------------------------
R13 = [(re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '), (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),
       (re.compile(r'([\.,])([^0-9])'), r' \1 \2'), (re.compile(r'([0-9])(-)'), r'\1 \2 ')]
RINTL = [(regex.compile(r'(\P{N})(\p{P})'), r'\1 \2 '), (regex.compile(r'(\p{P})(\P{N})'), r' \1 \2'),
         (regex.compile(r'(\p{S})'), r' \1 ')]


def tok13a(line):
    line = line.replace('<skipped>', '').replace('-\n', '').replace('\n', ' ')
    if '&' in line:
        line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    line = ' ' + line + ' '
    for r, s in R13:
        line = r.sub(s, line)
    return ' '.join(line.split())


def tokintl(line):
    for r, s in RINTL:
        line = r.sub(s, line)
    return ' '.join(line.split())


TOK = {'13a': tok13a, 'intl': tokintl, 'char': lambda s: ' '.join(s), 'none': lambda s: s}


def ngrams(toks, n):
    return Counter(' '.join(toks[i:i + n]) for i in range(len(toks) - n + 1))


def bleu(hyps, streams, tok='13a', smooth='exp', value=None, lc=False, order=4, eff=False):
    if value is None:
        value = {'floor': 0.1, 'add-k': 1}.get(smooth)
    prep = lambda s: TOK[tok]((s.lower() if lc else s).rstrip()).split()
    sys_len = ref_len = 0
    correct = [0] * order
    total = [0] * order
    for i, h in enumerate(hyps):
        refs = [prep(st[i]) for st in streams]
        ht = prep(h)
        lens = [len(r) for r in refs]
        best = min(lens, key=lambda L: (abs(len(ht) - L), L))
        sys_len += len(ht)
        ref_len += best
        for n in range(1, order + 1):
            hc = ngrams(ht, n)
            mx = Counter()
            for r in refs:
                for g, c in ngrams(r, n).items():
                    mx[g] = max(mx[g], c)
            total[n - 1] += sum(hc.values())
            correct[n - 1] += sum(min(c, mx[g]) for g, c in hc.items())
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    prec = [0.0] * order
    if not any(correct):
        return dict(score=0.0, precisions=prec, bp=bp, sys_len=sys_len, ref_len=ref_len, counts=correct, totals=total)
    counts = list(correct)
    totals = list(total)
    sm = 1.0
    eo = order
    for n in range(1, order + 1):
        c, t = correct[n - 1], total[n - 1]
        if smooth == 'add-k' and n > 1:
            c += value
            t += value
        if t == 0:
            break
        if eff:
            eo = n
        if c == 0:
            if smooth == 'exp':
                sm *= 2
                prec[n - 1] = 100. / (sm * t)
            elif smooth == 'floor':
                prec[n - 1] = 100. * value / t
        else:
            prec[n - 1] = 100. * c / t
    s = bp * math.exp(sum([(-9999999999 if p == 0 else math.log(p)) for p in prec[:eo]]) / eo)
    return dict(score=s, precisions=prec, bp=bp, sys_len=sys_len, ref_len=ref_len, counts=counts, totals=totals)


PUNCTS = set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')


def words_pp(s):
    out = []
    for w in s.split():
        if len(w) == 1:
            out.append(w)
        elif w[-1] in PUNCTS:
            out += [w[:-1], w[-1]]
        elif w[0] in PUNCTS:
            out += [w[0], w[1:]]
        else:
            out.append(w)
    return out


def chrf_counters(s, nc, nw, ws):
    chars = s if ws else ''.join(s.split())
    cs = [Counter(chars[i:i + n] for i in range(len(chars) - n + 1)) for n in range(1, nc + 1)]
    if nw:
        w = words_pp(s)
        cs += [ngrams(w, n) for n in range(1, nw + 1)]
    return cs


def chrf_f(stats, beta, nc, nw, eps_sm):
    eps = 1e-16
    factor = beta ** 2
    score = 0.0
    ap = ar = 0.0
    eff = 0
    for i in range(nc + nw):
        h, r, m = stats[3 * i:3 * i + 3]
        p = m / h if h > 0 else eps
        rc = m / r if r > 0 else eps
        d = factor * p + rc
        score += ((1 + factor) * p * rc / d) if d > 0 else eps
        if h > 0 and r > 0:
            ap += p
            ar += rc
            eff += 1
    if eps_sm:
        return 100 * score / (nc + nw)
    if eff == 0:
        ap = ar = 0.0
    else:
        ap /= eff
        ar /= eff
    if ap + ar:
        s = (1 + factor) * ap * ar
        s /= ((factor * ap) + ar)
        return 100 * s
    return 0.0


def chrf(hyps, streams, nc=6, nw=0, beta=2, lc=False, ws=False, eps_sm=False):
    tot = [0] * (3 * (nc + nw))
    for i, h in enumerate(hyps):
        h = h.lower() if lc else h
        hc = chrf_counters(h, nc, nw, ws)
        best, bf = None, -1.0
        for st in streams:
            r = st[i].lower() if lc else st[i]
            rcs = chrf_counters(r, nc, nw, ws)
            stats = []
            for a, b in zip(hc, rcs):
                m = sum(min(c, b[g]) for g, c in a.items() if g in b)
                stats += [sum(a.values()) if b else 0, sum(b.values()), m]
            f = chrf_f(stats, beta, nc, nw, eps_sm)
            if f > bf:
                bf, best = f, stats
        tot = [x + y for x, y in zip(tot, best)]
    return chrf_f(tot, beta, nc, nw, eps_sm)


def check_published_sacrebleu():
    # sacreBLEU README / test/test_bleu.py (EPSILON = 1e-8)
    refs = [['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
            ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.']]
    hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.']
    for kw, exp in [({}, 48.530827), ({'tok': 'none'}, 49.1919566), ({'tok': 'intl'}, 43.91623493),
                    ({'smooth': 'none'}, 48.530827)]:
        assert abs(bleu(hyps, refs, **kw)['score'] - exp) < 1e-8, (kw, bleu(hyps, refs, **kw))
    assert bleu(['', '', ''], refs)['score'] == 0.0
    # test/test_bleu.py statistics and effective-order cases (raw_corpus_bleu = floor .01, tok none, eff)
    s = bleu(["am I am a character sequence"], [["I am a symbol string sequence a a"]], tok='none', smooth='floor',
             value=.01, eff=True)
    assert (s['counts'], s['totals']) == ([4, 2, 1, 0], [6, 5, 4, 3])
    assert abs(bleu(["am I am a character sequence"], [["I am a symbol string sequence a a"]], tok='none',
                    smooth='floor', value=0.1, eff=True)['score'] / 100 - 0.1555722182) < 1e-8
    for h, r, e in [("test", "a test", 0.3678794411714425), ("a test", "a test", 1.0),
                    ("a little test", "a test", 0.03218297948685433), ("this is a fest", "this is a test", 0.223606797749979)]:
        assert abs(bleu([h], [[r]], tok='none', smooth='floor', value=.01, eff=True)['score'] / 100 - e) < 1e-8
    # test/test_sentence_bleu.py (EPSILON = 1e-3)
    REF = "producţia de zahăr brut se exprimă în zahăr alb;"
    SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
    for sm, v, lc, tk, e in [('exp', None, False, '13a', 8.493), ('none', None, False, '13a', 0.0),
                             ('floor', None, False, '13a', 4.51688), ('floor', 0.5, False, '13a', 10.10),
                             ('add-k', None, False, '13a', 14.882), ('add-k', 2, False, '13a', 21.389),
                             ('exp', None, False, 'none', 7.347), ('exp', None, False, 'intl', 8.493),
                             ('exp', None, False, 'char', 40.8759), ('exp', None, True, 'char', 42.0267)]:
        got = bleu([SYS], [[REF]], tok=tk, smooth=sm, value=v, lc=lc, eff=True)['score']
        assert abs(got - e) < 1e-3, (sm, v, tk, got, e)
    # test/test_chrf.py (EPSILON = 1e-4), eps smoothing with beta 3
    for h, r, e in [(["abcdefg"], ["hijklmnop"], 0.0), (["a"], ["b"], 0.0), ([""], ["b"], 0.0),
                    (["aa"], ["ab"], 8.3333), (["a", "b"], ["a", "c"], 8.3333), (["a"], ["a"], 16.6667),
                    (["a b c"], ["a b c"], 50.0), (["a b c"], ["abc"], 50.0),
                    ([" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
                     ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], 63.361730),
                    ([" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
                     ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 64.1302698)]:
        assert abs(chrf(h, [r], beta=3, eps_sm=True) - e) < 1e-4, (h, chrf(h, [r], beta=3, eps_sm=True))
    for h, r, e in [(["a"], ["a"], 100.0), ([""], ["reference"], 0.0), (["a b c"], ["abc"], 100.0),
                    (["a", "b"], ["a", "c"], 50.0), (["aa"], ["ab"], 25.0)]:
        assert abs(chrf(h, [r], beta=3) - e) < 1e-4
    assert abs(chrf(["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."],
                    [["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."]],
                    beta=3, ws=True) - 67.3481606) < 1e-4
    for h, r, e in [('Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
                     'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.', 39.14078509),
                    ('Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
                     'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.', 57.15704367)]:
        assert abs(chrf([h], [[r]], eps_sm=True) - e) < 1e-4


# ----------------------------------------------------------------------------------------------------------
# rouge-score 0.1.2, second implementation (with NLTK's real PorterStemmer)
# ----------------------------------------------------------------------------------------------------------
def rtok(text, stem):
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    toks = re.split(r"\s+", text)
    if stem:
        toks = [STEMMER.stem(t) if len(t) > 3 else t for t in toks]
    return [t for t in toks if re.match(r"^[a-z0-9]+$", t)]


def fm(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def lcs_table(a, b):
    t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            t[i][j] = t[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(t[i - 1][j], t[i][j - 1])
    return t


def lcs_ind(r, c):
    t = lcs_table(r, c)
    i, j, out = len(r), len(c), []
    while i > 0 and j > 0:
        if r[i - 1] == c[j - 1]:
            out.insert(0, i - 1)
            i -= 1
            j -= 1
        elif t[i][j - 1] > t[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return out


def rouge(target, pred, rtype, stem):
    if rtype == 'rougeLsum':
        ref = [rtok(s, stem) for s in target.split("\n") if len(s)]
        can = [rtok(s, stem) for s in pred.split("\n") if len(s)]
        if not ref or not can:
            return (0.0, 0.0, 0.0)
        m = sum(map(len, ref))
        n = sum(map(len, can))
        if not m or not n:
            return (0.0, 0.0, 0.0)
        cr, cc = Counter(), Counter()
        for s in ref:
            cr.update(s)
        for s in can:
            cc.update(s)
        hits = 0
        for r in ref:
            u = sorted(set().union(*[lcs_ind(r, c) for c in can]))
            for t in [r[i] for i in u]:
                if cc[t] > 0 and cr[t] > 0:
                    hits += 1
                    cc[t] -= 1
                    cr[t] -= 1
        R, P = hits / m, hits / n
        return (P, R, fm(P, R))
    t, p = rtok(target, stem), rtok(pred, stem)
    if rtype == 'rougeL':
        if not t or not p:
            return (0.0, 0.0, 0.0)
        L = lcs_table(t, p)[-1][-1]
        P, R = L / len(p), L / len(t)
        return (P, R, fm(P, R))
    n = int(rtype[5:])
    tn, pn = ngrams(t, n), ngrams(p, n)
    inter = sum(min(c, pn[g]) for g, c in tn.items())
    P = inter / max(sum(pn.values()), 1)
    R = inter / max(sum(tn.values()), 1)
    return (P, R, fm(P, R))


def check_published_rouge():
    # google-research rouge/rouge_scorer_test.py
    def near(a, b):
        return abs(a - b) < 1e-7
    P, R, F = rouge("testing one two", "testing", "rouge1", False)
    assert near(P, 1) and near(R, 1 / 3) and near(F, 1 / 2)
    for t in ["rouge1", "rouge2", "rougeL", "rougeLsum"]:
        assert rouge("testing one two", "", t, False) == (0.0, 0.0, 0.0)
    assert all(near(a, b) for a, b in zip(rouge("testing one two", "testing one", "rouge2", False), (1, 1 / 2, 2 / 3)))
    assert all(near(a, b) for a, b in zip(rouge("testing one two", "testing two", "rougeL", False), (1, 2 / 3, 4 / 5)))
    P, R, F = rouge("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "rougeLsum", False)
    assert near(R, 0.8) and near(P, 0.4) and abs(F - 0.5333) < 1e-3
    assert lcs_ind([1, 2, 3, 4, 5], [2, 5, 3, 4]) == [1, 2, 3]
    assert rouge("w1 w2 w3 w4 w5", "/", "rougeLsum", False) == (0.0, 0.0, 0.0)


# ----------------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------------
VOCAB = ("the a an cat cats dog dogs sat sits sitting on mat mats house home big large small little car "
         "automobile running runs ran quickly quick fast it is was not , . ! ? \" ' ( ) - 3.14 1,000 10-20 "
         "2023. don't it's U.S. e.g. &amp; <skipped> café naïve Zürich İstanbul ΣΟΦΟΣ 🍕 👍🏽 — … “quoted” "
         "l'homme 12/05 $5 €10 50% x+y=z a_b #tag @user").split()
SPACES = [' ', ' ', ' ', ' ', '\u00a0', '\u2007', '\u202f', '\u0085', '\u3000', '\t', '\u200b', '  ', ' \n ']


def rand_sentence(rng, lo=0, hi=14):
    n = rng.randint(lo, hi)
    out = ''
    for i in range(n):
        if i:
            out += rng.choice(SPACES)
        out += rng.choice(VOCAB)
    if rng.random() < 0.2:
        out += rng.choice([' ', '\n', '\u00a0', ''])
    return out


SPECIAL = [
    ("The dog bit the man.", ["The dog had bit the man."]),
    ("", ["The cat."]),
    ("The cat.", [""]),
    ("", [""]),
    ("π ≈ 3.14, e ≈ 2.718... and 1,000.50 costs $5 (10-20%).", ["π is 3.14 and e is 2.718; 1,000.50 costs $5 (10 - 20 %)."]),
    ("İstanbul’da ΣΟΦΟΣ café — naïve “quote” 🍕👍🏽 end", ["istanbul'da σοφος cafe\u0301 - naive \"quote\" 🍕 👍 end"]),
    ("a\u00a0b\u2007c\u202fd\u0085e\u200bf", ["a b c d e f"]),
    ("repeat repeat repeat repeat", ["repeat repeat", "repeat"]),
    ("same length tie here", ["one two three", "one two three four five"]),
    ("&amp; &lt;tag&gt; &quot;q&quot; <skipped> line-\nbreak", ["& <tag> \"q\" linebreak"]),
    ("Year 2023. Numbers 1.5, 2,5 and v2.0-beta", ["Year 2023 . Numbers 1.5 , 2,5 and v2.0 - beta"]),
]


def main():
    check_published_sacrebleu()
    check_published_rouge()
    rng = random.Random(20261123)

    # ---- sacreBLEU BLEU / chrF (second implementation) ----
    cases = []
    corpora = []
    for h, refs in SPECIAL:
        corpora.append(([h], [[r] for r in refs]))
    for _ in range(60):
        nseg = rng.randint(1, 5)
        nref = rng.randint(1, 3)
        hyps = [rand_sentence(rng) for _ in range(nseg)]
        streams = [[rand_sentence(rng, 0, 16) for _ in range(nseg)] for _ in range(nref)]
        corpora.append((hyps, streams))
    bleu_opts = [dict(), dict(tok='intl'), dict(tok='char'), dict(tok='none'), dict(lc=True),
                 dict(smooth='floor'), dict(smooth='floor', value=0.5), dict(smooth='add-k'),
                 dict(smooth='add-k', value=2), dict(smooth='none'), dict(eff=True), dict(order=2),
                 dict(order=6, eff=True, smooth='floor')]
    chrf_opts = [dict(), dict(nw=2), dict(lc=True), dict(ws=True), dict(eps_sm=True), dict(beta=1, nc=4, nw=1),
                 dict(nw=2, eps_sm=True, lc=True)]
    with open(os.path.join(OUT, 'sacrebleu_spec.jsonl'), 'w', encoding='utf-8') as f:
        for ci, (hyps, streams) in enumerate(corpora):
            for o in bleu_opts if ci < len(SPECIAL) else [rng.choice(bleu_opts)]:
                r = bleu(hyps, streams, **o)
                f.write(json.dumps(dict(metric='bleu', hyps=hyps, refs=streams, opts=o, **r), ensure_ascii=False) + '\n')
            for o in chrf_opts if ci < len(SPECIAL) else [rng.choice(chrf_opts)]:
                f.write(json.dumps(dict(metric='chrf', hyps=hyps, refs=streams, opts=o,
                                        score=chrf(hyps, streams, **o)), ensure_ascii=False) + '\n')

    # ---- rouge-score (second implementation, NLTK stemmer) ----
    with open(os.path.join(OUT, 'rouge_spec.jsonl'), 'w', encoding='utf-8') as f:
        pairs = [(h, refs[0]) for h, refs in SPECIAL]
        words = ("the cats were running quickly to their houses and generously relational conditioning "
                 "happily flies dying agreed hopping allowance adjustable formalize sensitivity").split()
        for _ in range(40):
            def doc():
                return "\n".join(" ".join(rng.choice(words + VOCAB[:20]) for _ in range(rng.randint(0, 12)))
                                 for _ in range(rng.randint(1, 4)))
            pairs.append((doc(), doc()))
        for target, pred in pairs:
            for stem in (False, True):
                res = {t: rouge(target, pred, t, stem) for t in ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]}
                f.write(json.dumps(dict(target=target, prediction=pred, stem=stem, scores=res), ensure_ascii=False) + '\n')

    # ---- NLTK Porter stemmer ----
    wn_words = set()
    for suffix in ('noun', 'verb', 'adj', 'adv'):
        with open('/usr/share/wordnet/index.' + suffix, encoding='utf-8') as fh:
            for line in fh:
                if not line.startswith(' '):
                    w = line.split()[0]
                    if '_' not in w and '-' not in w and w.isalpha():
                        wn_words.add(w)
    sample = sorted(wn_words)[::12]
    extra = ["dying", "Dying", "skies", "sky", "lying", "news", "innings", "proceed", "succeeded", "flies", "dies",
             "spied", "died", "happy", "enjoy", "generously", "radically", "geology", "hopefully", "caresses",
             "ponies", "ties", "agreed", "feed", "plastered", "bled", "motoring", "sing", "conflated", "troubled",
             "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing", "relational",
             "conditional", "rational", "valenci", "digitizer", "conformabli", "radicalli", "differentli", "vileli",
             "analogousli", "vietnamization", "predication", "operator", "feudalism", "decisiveness", "hopefulness",
             "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate", "formative", "formalize",
             "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance", "inference", "airliner",
             "gyroscopic", "adjustable", "defensible", "irritant", "replacement", "adjustment", "dependent",
             "adoption", "homologou", "communism", "activate", "angulariti", "homologous", "effective", "bowdlerize",
             "probate", "rate", "cease", "controlling", "roll", "a", "as", "is", "ion", "eed", "ied", "ies", "yyy",
             "by", "ay", "oy", "spy", "syzygy", "toy", "café", "naïve", "zürich", "straße", "İstanbul", "ΣΟΦΟΣ",
             "🍕s", "a🍕ing", "running", "CATS", "Houses", "fully", "fulli", "logi", "theologi", "archaeology"]
    with open(os.path.join(OUT, 'porter.tsv'), 'w', encoding='utf-8') as f:
        for w in extra + sample:
            f.write(w + '\t' + STEMMER.stem(w) + '\n')

    # ---- NLTK METEOR (with and without WordNet) ----
    tmp = tempfile.mkdtemp()
    for name in os.listdir('/usr/share/wordnet'):
        p = os.path.join('/usr/share/wordnet', name)
        if os.path.isfile(p):
            os.symlink(p, os.path.join(tmp, name))
    # NLTK's reader wants a 'lexnames' file that the Princeton/Debian dict lacks; lexicographer file names do not
    # influence synsets or lemma names, so placeholders are enough.
    with open(os.path.join(tmp, 'lexnames'), 'w') as fh:
        for i in range(45):
            fh.write('%02d\tlex%d\t0\n' % (i, i))
    wn = WordNetCorpusReader(tmp, None)

    class NoWordNet:
        @staticmethod
        def synsets(word):
            return []

    mwords = ("the a cat cats dog sat sitting sits on mat mats house home big large small little car automobile "
              "auto bought purchased buy run running ran quick fast quickly rapid walk walked is was it . , "
              "The Cat MAT happy glad movie film begin start").split()
    meteor_cases = [
        (["It is a guide to action which ensures that the military always obeys the commands of the party"],
         "It is a guide to action that ensures that the military will forever heed Party commands"),
        (["the cat sat on the mat"], "on the mat sat the cat"),
        (["the cat sat on the mat"], "the cat sat on the mat"),
        (["the cat sat on the mat"], ""),
        ([""], "the cat"),
        (["he bought a large house"], "he purchased a big home"),
        (["the movie will begin soon"], "the film starts soon"),
        (["a a a b"], "a b a a"),
        (["the cat sat on the mat .", "there is a cat on the mat"], "the cat was sitting on the mat ."),
        (["İstanbul ΣΟΦΟΣ café\u00a0naïve"], "istanbul σοφος café naïve"),
    ]
    for _ in range(150):
        refs = [" ".join(rng.choice(mwords) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 3))]
        hyp = " ".join(rng.choice(mwords) for _ in range(rng.randint(0, 12)))
        meteor_cases.append((refs, hyp))
    with open(os.path.join(OUT, 'meteor.jsonl'), 'w', encoding='utf-8') as f:
        for refs, hyp in meteor_cases:
            rt = [r.split() for r in refs]
            ht = hyp.split()
            rec = dict(refs=refs, hyp=hyp,
                       exact_stem=meteor_score(rt, ht, wordnet=NoWordNet),
                       wordnet=meteor_score(rt, ht, wordnet=wn),
                       params_02_1_02=meteor_score(rt, ht, wordnet=NoWordNet, alpha=0.2, beta=1.0, gamma=0.2))
            f.write(json.dumps(rec, ensure_ascii=False) + '\n')
    with open(os.path.join(OUT, 'wordnet_lemmas.tsv'), 'w', encoding='utf-8') as f:
        for w in ["dog", "dogs", "house", "home", "big", "large", "purchas", "buy", "bought", "ran", "running",
                  "better", "best", "quickly", "film", "movi", "abaci", "aardwolves", "women", "churches", "hous",
                  "went", "geese", "xyzzy", "sat", "glad"]:
            names = sorted({l.name() for s in wn.synsets(w) for l in s.lemmas()})
            f.write(w + '\t' + ' '.join(names) + '\n')
    shutil.rmtree(tmp)

    # ---- NLTK BLEU on the none tokenizer: an independent check of sacreBLEU's arithmetic ----
    with open(os.path.join(OUT, 'nltk_bleu.jsonl'), 'w', encoding='utf-8') as f:
        written = 0
        while written < 40:
            nseg = rng.randint(1, 4)
            hyps = [" ".join(rng.choice(mwords[:25]) for _ in range(rng.randint(4, 14))) for _ in range(nseg)]
            streams = [[" ".join(rng.choice(mwords[:25]) for _ in range(rng.randint(4, 14))) for _ in range(nseg)]
                       for _ in range(rng.randint(1, 3))]
            lor = [[st[i].split() for st in streams] for i in range(nseg)]
            hy = [h.split() for h in hyps]
            if not all(bleu(hyps, streams, tok='none', smooth='none')['counts']):
                continue  # NLTK's method0 differs from sacreBLEU when an order has no match
            f.write(json.dumps(dict(hyps=hyps, refs=streams, nltk=corpus_bleu(lor, hy))) + '\n')
            written += 1


if __name__ == '__main__':
    main()
