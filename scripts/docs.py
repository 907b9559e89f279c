"""Build the docs site without Quarto: nbdev's processed notebooks, rendered to static HTML in `_site/`.

Step 1 is nbdev's own `nbdev_proc_nbs` (the same processing `nbdev_docs` runs before `quarto render`): it
writes `nbs/nbdev.yml` and `nbs/sidebar.yml`, then puts each notebook through nbdev's processors into
`_proc/`: frontmatter from the title cell, `show_doc` cells added after every exported function and class
and executed (only those cells, the exported code and the imports run; saved outputs are kept, nothing
is retrained), `#| hide` and `#| export` cells removed, backticked names linked to their docs.
The only difference: nbdev would try to download and install Quarto first, which we skip.

Step 2 renders each processed notebook with nbconvert's markdown and ANSI filters and Pygments, honouring
the Quarto cell options nbdev leaves behind (`echo`, `output`, `include`, `code-fold`), into one page per
notebook (file names from nbdev's `output-file`, as Quarto would name them) with the sidebar in
`sidebar.yml` order, plots saved as image files, and links made local: `.ipynb` links point at the
rendered page, links to the library's own docs host (`doc_host`+`doc_baseurl`) become relative.

Usage: python scripts/docs.py [--force] [--n_workers N] [--out _site]
"""
import argparse, html, json, os, posixpath, re, shutil, sys, base64
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- step 1: nbdev processing
def proc_nbs(force=False, n_workers=1):
    "Run `nbdev_proc_nbs` without its Quarto install and without rewriting `miniai/_modidx.py`; return the config."
    import nbdev.quarto as nq, nbdev.doclinks
    from nbdev.config import get_config
    nq._ensure_quarto = lambda: None           # nbdev_proc_nbs would otherwise download and install Quarto
    nbdev.doclinks._build_modidx = lambda *a, **k: None   # the symbol index is nbdev_export's job, not the docs'
    try: nq.nbdev_proc_nbs.__wrapped__(n_workers=n_workers, force=force)
    except Exception as e:
        sys.exit(f'docs: nbdev could not process a notebook.\n{e}\n\nTo render show_doc, nbdev runs only the exported cells, '
                 'the show_doc cells and every cell containing an import (the whole cell). A cell that mixes imports '
                 'with code using earlier, non-import cells fails there: move its imports to an import-only cell.')
    return get_config()

def lint_markdown(nbs_path):
    "Markdown written as commented percent-script text (`# ## Heading`, `# prose`) renders as level-1 headings."
    bad = []
    for f in sorted(Path(nbs_path).rglob('*.ipynb')):
        if any(p.startswith(('.', '_')) for p in f.relative_to(nbs_path).parts): continue
        first = True
        for i, c in enumerate(json.loads(f.read_text(encoding='utf-8'))['cells']):
            if c['cell_type'] != 'markdown': continue
            fence, hit = False, None
            for n, l in enumerate(_text(c['source']).splitlines()):
                if l.lstrip().startswith(('```', '~~~')): fence = not fence
                if fence: continue
                # a commented heading or blank comment line; or a second level-1 heading (only the title is one)
                if re.match(r'^#\s+#', l) or l.strip() == '#' or (re.match(r'^# \S', l) and not (first and n == 0)):
                    hit = l; break
            first = False
            if hit is not None: bad.append(f'{f.relative_to(nbs_path.parent)} cell {i}: {hit[:70]!r}')
    if bad:
        sys.exit('docs: these markdown cells look like commented-out percent-script text (each "# " line renders as a '
                 'heading); write raw markdown, without the "# " prefixes:\n  ' + '\n  '.join(bad))

# ---------------------------------------------------------------- step 2: rendering
import yaml
from bs4 import BeautifulSoup
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.filters.ansi import ansi2html
from pygments import highlight
from pygments.lexers import get_lexer_by_name, PythonLexer
from pygments.formatters import HtmlFormatter
from pygments.util import ClassNotFound

_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')

def split_directives(src):
    "Split Quarto `#| key: value` options off the top of a code cell: (dict, remaining source)."
    lines, opts = src.splitlines(), {}
    while lines and (m := _re_dir.match(lines[0])):
        opts[m.group(1)] = m.group(2).strip('"\''); lines.pop(0)
    return opts, '\n'.join(lines).strip('\n')

def _false(v): return str(v).lower() in ('false', 'no', '0')

def _attrs(spec):
    "Pandoc attribute list `{.cls #id key=\"v\"}` as HTML attributes."
    out, classes = [], []
    for tok in re.findall(r'[\w-]+="[^"]*"|[\w-]+=\S+|[.#][\w-]+', spec):
        if tok[0] == '.': classes.append(tok[1:])
        elif tok[0] == '#': out.append(f'id="{tok[1:]}"')
        else:
            k, v = tok.split('=', 1)
            out.append(f'{k}="{html.escape(v.strip(chr(34)), quote=True)}"')
    if classes: out.append(f'class="{" ".join(classes)}"')
    return ' '.join(out)

_re_link_attr = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')
_re_fdiv = re.compile(r'^:::+\s*(\{[^}]*\}|[\w-]+)?\s*$', re.MULTILINE)

def pandoc_md(md):
    "Translate the Pandoc markdown extensions nbdev/Quarto use (link attributes, fenced divs) to HTML."
    md = _re_link_attr.sub(lambda m: f'<a href="{html.escape(m.group(2), quote=True)}" {_attrs(m.group(3))}>{m.group(1)}</a>', md)
    def fdiv(m):
        spec = m.group(1)
        if not spec: return '\n</div>\n'
        spec = spec.strip('{}') if spec.startswith('{') else '.' + spec
        return f'\n<div {_attrs(spec)}>\n'
    return _re_fdiv.sub(fdiv, md)

def md2html(md): return markdown2html_mistune(pandoc_md(md))
def md_inline(md):
    "Inline markdown (a title with `code`) as HTML, without the paragraph."
    return re.sub(r'^\s*<p>(.*)</p>\s*$', r'\1', md2html(str(md)), flags=re.S)

_fmt = HtmlFormatter(cssclass='highlight')
def code2html(src, lang='python'):
    try: lexer = get_lexer_by_name(lang)
    except ClassNotFound: lexer = PythonLexer()
    return highlight(src, lexer, _fmt)

def _text(x): return ''.join(x) if isinstance(x, list) else (x or '')

_priority = ['text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'text/markdown', 'text/latex', 'text/plain']
_ext = {'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif'}

class Page:
    "One rendered notebook."
    def __init__(self, nb_path, rel, out_dir):
        self.nb_path, self.rel, self.out_dir = nb_path, rel, out_dir
        self.nb = json.loads(nb_path.read_text(encoding='utf-8'))
        self.fm, cells = {}, self.nb['cells']
        if cells and cells[0]['cell_type'] == 'raw' and _text(cells[0]['source']).startswith('---'):
            self.fm = yaml.safe_load(_text(cells[0]['source']).strip().strip('-')) or {}
            cells = cells[1:]
        self.cells = cells
        from nbdev.doclinks import _nbpath2html
        self.out = posixpath.join(posixpath.dirname(rel), self.fm.get('output-file') or _nbpath2html(Path(rel)).name)
        self.title = str(self.fm.get('title') or Path(rel).stem)
        self.description = self.fm.get('description', '')
        self.lang = self.nb.get('metadata', {}).get('kernelspec', {}).get('language', 'python')
        self.n_img = 0

    def _save_img(self, data, mime, idx):
        "Write a plot to `<page>_files/figure-html/`, as Quarto does, and return its <img>."
        self.n_img += 1
        rel = f'{Path(self.out).stem}_files/figure-html/cell-{idx}-output-{self.n_img}.{_ext[mime]}'
        dest = self.out_dir/posixpath.dirname(self.out)/rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(base64.b64decode(_text(data)))
        return f'<img src="{rel}" alt="output {self.n_img} of cell {idx}" class="figure-img">'

    def _output(self, o, idx, asis):
        typ = o.get('output_type')
        if typ == 'stream':
            cls = 'cell-output-stderr' if o.get('name') == 'stderr' else 'cell-output-stdout'
            return f'<div class="cell-output {cls}"><pre>{ansi2html(_text(o.get("text")))}</pre></div>'
        if typ == 'error':
            return f'<div class="cell-output cell-output-error"><pre>{ansi2html(chr(10).join(o.get("traceback", [])))}</pre></div>'
        data = o.get('data', {})
        prio = (['text/markdown'] + _priority) if asis else _priority
        mime = next((m for m in prio if m in data), None)
        if mime is None: return ''
        v = data[mime]
        if mime == 'text/markdown': body = md2html(_text(v))
        elif mime == 'text/html': body = _text(v)
        elif mime == 'image/svg+xml': body = _text(v)
        elif mime in _ext: body = self._save_img(v, mime, idx)
        elif mime == 'text/latex': body = f'<pre>{html.escape(_text(v))}</pre>'
        else: body = f'<pre>{html.escape(_text(v))}</pre>'
        kind = 'display' if mime.startswith('image') or mime == 'text/html' else 'markdown' if mime == 'text/markdown' else 'plain'
        return body if asis else f'<div class="cell-output cell-output-{kind}">{body}</div>'

    def render(self):
        parts = []
        for idx, c in enumerate(self.cells):
            src = _text(c.get('source'))
            if c['cell_type'] == 'markdown':
                if src.strip(): parts.append(f'<div class="cell-md">{md2html(src)}</div>')
                continue
            if c['cell_type'] == 'raw':
                fmt = c.get('metadata', {}).get('format', '')
                if 'html' in fmt: parts.append(src)
                continue
            opts, code = split_directives(src)
            if _false(opts.get('include', True)): continue
            is_sd = bool(re.match(r'show_doc\s*\(', code))
            asis = opts.get('output') == 'asis'
            inp = ''
            if code.strip() and not _false(opts.get('echo', True)):
                lang = c.get('metadata', {}).get('language') or self.lang
                inp = f'<div class="sourceCode">{code2html(code, lang)}</div>'
                if 'code-fold' in opts:
                    summ = html.escape(opts.get('code-summary', 'Code'))
                    inp = f'<details class="code-fold"{" open" if opts["code-fold"] == "show" else ""}><summary>{summ}</summary>{inp}</details>'
            outs = '' if _false(opts.get('output', True)) else ''.join(self._output(o, idx, asis) for o in c.get('outputs', []))
            if not (inp or outs): continue
            cls = 'cell showdoc' if is_sd else 'cell'
            parts.append(f'<div class="{cls}">{inp}{outs}</div>')
        return '\n'.join(parts)

# ---------------------------------------------------------------- site assembly
def sidebar_entries(nbs_path):
    "Flatten nbdev's sidebar.yml into [(section or None, notebook path relative to nbs)]."
    sb = yaml.safe_load((nbs_path/'sidebar.yml').read_text())['website']['sidebar']['contents']
    res = []
    def walk(items, section):
        for it in items:
            if isinstance(it, str): res.append((section, it))
            elif isinstance(it, dict):
                if it.get('href'): res.append((it.get('section'), it['href']))
                walk(it.get('contents', []), it.get('section'))
    walk(sb, None)
    return res

def pandoc_id(text, seen):
    "Pandoc's auto identifier (what Quarto gives headings), made unique on the page."
    s = re.sub(r'[^\w\s.-]', '', text.strip().lower(), flags=re.UNICODE)
    s = re.sub(r'\s+', '-', s).lstrip('0123456789.-_') or 'section'
    base, n = s, 0
    while s in seen: n += 1; s = f'{base}-{n}'
    seen.add(s)
    return s

def localize(soup, page, pages_by_nb, doc_root):
    "Give headings Quarto's ids and make links local (.ipynb -> .html, docs host -> relative)."
    seen = set(t['id'] for t in soup.find_all(id=True) if t.name not in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6'))
    for h in soup.find_all(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']):
        for a in h.find_all('a', class_='anchor-link'): a.decompose()
        txt = h.get_text()
        m = re.search(r'\s*\{#([\w.-]+)[^}]*\}\s*$', txt)
        if m:
            for s in h.find_all(string=True):
                if '{#' in s: s.replace_with(re.sub(r'\s*\{#[^}]*\}\s*$', '', s))
            hid = m.group(1); seen.add(hid)
        else: hid = pandoc_id(txt, seen)
        h['id'] = hid
        a = soup.new_tag('a', href=f'#{hid}', **{'class': 'anchor-link', 'aria-label': 'link to this section'})
        a.string = '#'; h.append(a)
    here = posixpath.dirname(page.out)
    for a in soup.find_all('a', href=True):
        href = a['href']
        if doc_root and href.startswith(doc_root):
            href = href[len(doc_root):].lstrip('/') or 'index.html'
            path, _, frag = href.partition('#')
            href = posixpath.relpath(path, here or '.') + (f'#{frag}' if frag else '')
        elif not re.match(r'^[a-z][a-z0-9+.-]*:|^#|^/', href):
            path, _, frag = href.partition('#')
            if path.endswith('.ipynb'):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page.rel), path))
                if target in pages_by_nb:
                    href = posixpath.relpath(pages_by_nb[target].out, here or '.') + (f'#{frag}' if frag else '')
        a['href'] = href

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="scripts/docs.py (nbdev_proc_nbs + nbconvert)">
<title>{page_title}</title>
<meta name="description" content="{meta_desc}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}site.css"><link rel="stylesheet" href="{root}pygments.css"><link rel="stylesheet" href="{root}styles.css">
</head><body>
<header class="navbar"><a class="site-title" href="{root}index.html">{site_title}</a><span class="site-desc">{site_desc}</span></header>
<div class="layout">
<nav class="sidebar" aria-label="Pages">{sidebar}</nav>
<main class="content" id="quarto-document-content">
<header class="page-header"><h1 class="title">{title}</h1>{description}</header>
{body}
</main>
<nav class="toc" aria-label="On this page"><h2 class="toc-title">On this page</h2>{toc}</nav>
</div>
<footer class="footer">Rendered from the notebooks in <code>nbs/</code> by <code>bash scripts/docs.sh</code>.</footer>
</body></html>
"""

SITE_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.55;color:#212529;background:#fff}
.navbar{background:#2780e3;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:baseline}
.navbar a{color:#fff;text-decoration:none;font-weight:600;font-size:1.25rem}
.site-desc{opacity:.85;font-size:.9rem}
.layout{display:grid;grid-template-columns:15rem minmax(0,1fr) 14rem;gap:2rem;max-width:90rem;margin:0 auto;padding:1rem 1.2rem}
.sidebar,.toc{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto;font-size:.92rem}
.sidebar ul,.toc ul{list-style:none;padding-left:0;margin:0}
.sidebar li{margin:.15rem 0}.sidebar .section{font-weight:600;margin-top:.6rem}
.sidebar a,.toc a{color:#495057;text-decoration:none;display:block;padding:.15rem .5rem;border-left:2px solid transparent}
.sidebar a:hover,.toc a:hover{color:#2780e3}
.sidebar a.active{color:#2780e3;border-left-color:#2780e3;font-weight:600}
.toc .toc-title{font-size:.95rem;margin:0 0 .4rem}.toc li.l3 a{padding-left:1.2rem}
.content{min-width:0}
.content h1.title{margin:.2rem 0 .2rem}
.page-header .description{padding-top:0;margin-bottom:1.2rem}.page-header .description p{margin:0}
a{color:#2780e3}
code{font-size:.92em;color:#9753b8}
pre{background:#f8f9fa;padding:.6rem .8rem;overflow:auto;border-radius:4px;font-size:.88rem;line-height:1.4}
.highlight pre{color:#212529}
.sourceCode{margin:.4rem 0}
.cell{margin:0 0 1rem}
.cell-output img{max-width:100%;height:auto}
.cell-output-stderr pre{background:#fff4f4}
.cell-output-display{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border-bottom:1px solid #dee2e6;padding:.25rem .6rem;text-align:left}
h1 .anchor-link,h2 .anchor-link,h3 .anchor-link,h4 .anchor-link{margin-left:.4rem;opacity:0;text-decoration:none;font-size:.8em}
h1:hover .anchor-link,h2:hover .anchor-link,h3:hover .anchor-link,h4:hover .anchor-link{opacity:.6}
.showdoc{border:1px solid #dee2e6;border-radius:6px;padding:.2rem 1rem .4rem;box-shadow:0 1px 2px rgba(0,0,0,.05)}
.showdoc hr{display:none}
.showdoc h3{margin:.5rem 0}
.showdoc a[target=_blank]{font-size:.8rem}
details.code-fold>summary{cursor:pointer;color:#6c757d;font-size:.9rem}
blockquote{margin:.5rem 0;padding:.1rem 1rem;border-left:3px solid #dee2e6;color:#495057}
.ansi-red-fg{color:#c0392b}.ansi-green-fg{color:#00a250}.ansi-yellow-fg{color:#b58900}.ansi-blue-fg{color:#208ffb}
.ansi-magenta-fg{color:#d160c4}.ansi-cyan-fg{color:#2aa198}.ansi-bold{font-weight:bold}
.footer{border-top:1px solid #dee2e6;color:#6c757d;font-size:.85rem;padding:1rem 1.2rem;text-align:center}
@media (max-width:60rem){.layout{grid-template-columns:1fr}.toc{display:none}.sidebar{position:static;max-height:none}}
"""

def build(out='_site', force=False, n_workers=1):
    from nbdev.config import get_config
    lint_markdown(Path(get_config().nbs_path))
    cfg = proc_nbs(force=force, n_workers=n_workers)
    nbs_path, cache = Path(cfg.nbs_path), Path(cfg.config_path)/'_proc'
    quarto = yaml.safe_load((Path(cfg.config_path)/'_quarto.yml').read_text()) or {}
    nbdev_yml = yaml.safe_load((nbs_path/'nbdev.yml').read_text()) or {}
    site = {**quarto.get('website', {}), **nbdev_yml.get('website', {})}
    out_dir = Path(cfg.config_path)/out
    shutil.rmtree(out_dir, ignore_errors=True); out_dir.mkdir(parents=True)

    entries = [(sec, rel) for sec, rel in sidebar_entries(nbs_path) if rel.endswith('.ipynb') and (cache/rel).exists()]
    pages = [Page(cache/rel, rel, out_dir) for _, rel in entries]
    by_nb = {p.rel: p for p in pages}
    if not any(p.out == 'index.html' for p in pages): sys.exit('docs: no index.ipynb in nbs/: the site needs a home page')
    doc_root = (str(cfg.get('doc_host', '')) + str(cfg.get('doc_baseurl', ''))).rstrip('/') + '/'

    for page in pages:
        body = page.render()
        soup = BeautifulSoup(body, 'html.parser')
        localize(soup, page, by_nb, doc_root)
        root = posixpath.relpath('.', posixpath.dirname(page.out) or '.') + '/'
        root = '' if root == './' else root
        nav, last = [], object()
        for (sec, _), p in zip(entries, pages):
            if sec != last and sec: nav.append(f'<li class="section">{html.escape(sec)}</li>')
            last = sec
            href = posixpath.relpath(p.out, posixpath.dirname(page.out) or '.')
            act = ' class="active" aria-current="page"' if p is page else ''
            nav.append(f'<li><a href="{href}"{act}>{md_inline(p.title)}</a></li>')
        toc = [f'<li class="l{h.name[1]}"><a href="#{h["id"]}">{html.escape(h.get_text().rstrip("#").strip())}</a></li>'
               for h in soup.find_all(['h2', 'h3'])]
        desc = f'<div class="description">{md2html(str(page.description))}</div>' if page.description else ''
        title = page.title
        plain = re.sub(r'[`*]', '', title)
        doc = TEMPLATE.format(page_title=html.escape(plain if page.out == 'index.html' else f'{plain} – {site.get("title", "")}'),
                              meta_desc=html.escape(re.sub(r'[`*_]', '', str(page.description or site.get('description', '')))), root=root,
                              site_title=html.escape(str(site.get('title', ''))), site_desc=html.escape(str(site.get('description', ''))),
                              sidebar='<ul>' + ''.join(nav) + '</ul>', title=md_inline(title), description=desc,
                              body=str(soup), toc='<ul>' + ''.join(toc) + '</ul>')
        dest = out_dir/page.out
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(doc, encoding='utf-8')
    (out_dir/'site.css').write_text(SITE_CSS)
    (out_dir/'pygments.css').write_text(_fmt.get_style_defs('.highlight'))
    css = nbs_path/'styles.css'
    (out_dir/'styles.css').write_text(css.read_text() if css.exists() else '')
    (out_dir/'.nojekyll').write_text('')
    print(f'docs: {len(pages)} pages in {out_dir.relative_to(cfg.config_path)}/ ({", ".join(p.out for p in pages)})')
    return out_dir

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='_site', help='output folder (default _site)')
    ap.add_argument('--force', action='store_true', help="reprocess every notebook (ignore nbdev's _proc cache)")
    ap.add_argument('--n_workers', type=int, default=int(os.environ.get('MINIAI_DOCS_WORKERS', 1)),
                    help='parallel nbdev processing workers (each imports the library; default 1)')
    a = ap.parse_args()
    os.chdir(ROOT)
    build(a.out, a.force, a.n_workers)
