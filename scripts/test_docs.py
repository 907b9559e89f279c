"""Browser test of the local docs site (`_site/`, built by scripts/docs.py): serve it on localhost and load
every page in headless Chromium (Debian's `chromium`, driven by Playwright; no browser download).

Checks, each against what the sources say rather than what the builder wrote:
- every page answers 200 and loads with no console error, page error, failed or off-site request;
- the sidebar lists every notebook, in `nbs/sidebar.yml` (notebook file) order, on every page;
- the home page shows every command of the Quick start section of nbs/index.ipynb (at least two);
- each module page has a show_doc entry (heading, signature and docstring) for every exported name of the
  module: the functions and classes of `miniai/<mod>.py` that are in its `__all__` (patched methods as
  `Class.method`), each looked up in `miniai/_modidx.py`, whose link gives the page;
- every <img> loaded (naturalWidth > 0), and each page has at least as many as its notebook has visible
  image outputs (plots);
- code from `#| hide` cells and `#|` directive lines never show;
- every internal link resolves: the file exists and its `#fragment` is an id on the target page.
- the Results page exists and shows the runs table (with `miniai-fmnist` commands) and its plot;
- every image README.md shows is a PNG file in the repository.
Screenshots of the home page, the Results page and one module page go to test-output/.

Usage: python scripts/test_docs.py [--site _site] [--out test-output]
"""
import argparse, ast, functools, http.server, json, os, posixpath, re, shutil, sys, threading, urllib.error, urllib.parse, urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage']   # containers (CI) have a tiny /dev/shm
fails = []
def fail(msg): fails.append(msg); print('FAIL', msg)

def _text(x): return ''.join(x) if isinstance(x, list) else (x or '')

# ---------------------------------------------------------------- expectations from the sources
def directives(src):
    lines, d = src.splitlines(), {}
    while lines and (m := re.match(r'^\s*#\|\s*([\w-]+):?\s*(.*?)\s*$', lines[0])):
        d[m.group(1)] = m.group(2).strip('"\''); lines.pop(0)
    return d, '\n'.join(lines).strip()

def _false(v): return str(v).lower() in ('false', 'no', '0')
_hidden = {'hide', 'export', 'exporti', 'default_exp'}

def nb_expectations(nb_path):
    "(visible image outputs, code of hidden cells) of a source notebook."
    n_img, hidden = 0, []
    for c in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        if c['cell_type'] != 'code': continue
        d, code = directives(_text(c['source']))
        if d.keys() & _hidden or _false(d.get('include', True)):
            if 'hide' in d and code: hidden.append(code)
            continue
        if _false(d.get('output', True)): continue
        n_img += sum(1 for o in c.get('outputs', []) if set(o.get('data', {})) & {'image/png', 'image/jpeg', 'image/svg+xml', 'image/gif'})
    return n_img, hidden

def quick_start_commands(index_nb):
    "Shell commands in the ```sh blocks of the index notebook's 'Quick start' section."
    cmds, in_qs = [], False
    for c in json.loads(index_nb.read_text(encoding='utf-8'))['cells']:
        if c['cell_type'] != 'markdown': continue
        for block in re.split(r'(?m)^(?=#{1,6}\s)', _text(c['source'])):
            if m := re.match(r'#{1,6}\s+(.*)', block): in_qs = 'quick start' in m.group(1).lower()
            if in_qs:
                for code in re.findall(r'```(?:sh|bash|console|shell)\n(.*?)```', block, flags=re.S):
                    cmds += [l.strip() for l in code.splitlines() if l.strip() and not l.strip().startswith('#')]
    return cmds

def exported_names(lib='miniai'):
    "{module: [(name, page)]} for every exported function/class (patched methods as Class.method)."
    from nbdev.showdoc import showdoc_nm
    idx = {}
    exec((ROOT/lib/'_modidx.py').read_text(), idx)
    syms, res = idx['d']['syms'], {}
    for py in sorted((ROOT/lib).rglob('*.py')):
        if py.name.startswith('_'): continue
        mod = '.'.join(py.relative_to(ROOT).with_suffix('').parts)
        tree = ast.parse(py.read_text(encoding='utf-8'))
        all_ = next((ast.literal_eval(t.value) for t in tree.body if isinstance(t, ast.Assign)
                     and any(getattr(x, 'id', None) == '__all__' for x in t.targets)), [])
        names = []
        for t in tree.body:
            if isinstance(t, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and t.name in all_ and not t.name.startswith('_'):
                nm = showdoc_nm(t)
                link = syms.get(mod, {}).get(f'{mod}.{nm}')
                if link is None: fail(f'{mod}.{nm} is exported but missing from {lib}/_modidx.py (run nbdev_export)'); continue
                names.append((nm, link[0].split('#')[0]))
        if names: res[mod] = names
    return res

class IdParser(HTMLParser):
    def __init__(self): super().__init__(); self.ids = set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ('id', 'name') and v: self.ids.add(v)

def watch(page, errs, host):
    "Record console errors, page errors, failed requests; refuse (and record) every off-site request."
    page.on('console', lambda m: errs.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
    page.on('pageerror', lambda e: errs.append(f'page error: {e}'))
    page.on('requestfailed', lambda r: errs.append(f'request failed: {r.url} {r.failure}'))
    def route(r):
        if urllib.parse.urlparse(r.request.url).netloc == host: r.continue_()
        else: errs.append(f'off-site request: {r.request.url}'); r.abort()
    page.route('**/*', route)

# ---------------------------------------------------------------- server
def serve(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'

def main(site, out):
    import yaml
    from nbdev.config import get_config
    from nbdev.doclinks import _nbpath2html
    cfg = get_config()
    nbs = Path(cfg.nbs_path)
    if not (site/'index.html').exists(): sys.exit(f'no {site}/index.html: build the site first (bash scripts/docs.sh)')
    out.mkdir(parents=True, exist_ok=True)

    sb = yaml.safe_load((nbs/'sidebar.yml').read_text())['website']['sidebar']['contents']
    def flat(items):
        for it in items:
            if isinstance(it, str): yield it
            elif isinstance(it, dict):
                if it.get('href'): yield it['href']
                yield from flat(it.get('contents', []))
    order = [r for r in flat(sb) if r.endswith('.ipynb')]
    on_disk = sorted(str(p.relative_to(nbs)) for p in nbs.rglob('*.ipynb')
                     if not any(x.startswith(('.', '_')) for x in p.relative_to(nbs).parts))
    if sorted(order) != on_disk: fail(f'sidebar.yml lists {order}, nbs/ has {on_disk}')
    page_of = {r: str(_nbpath2html(Path(r))) for r in order}
    nb_of = {v: k for k, v in page_of.items()}
    expected_nav = [page_of[r] for r in order]
    pages = sorted(str(p.relative_to(site)) for p in site.rglob('*.html'))
    for p in expected_nav:
        if p not in pages: fail(f'no page {p} for notebook {nb_of[p]}')
    names = exported_names(cfg.lib_name)
    doc_pages = {}
    for mod, nms in names.items():
        for nm, pg in nms: doc_pages.setdefault(pg, []).append((mod, nm))
    for pg, nms in doc_pages.items():
        if pg not in pages: fail(f'no page {pg} for the show_doc entries of {", ".join(f"{m}.{n}" for m, n in nms)}')
    cmds = quick_start_commands(nbs/'index.ipynb')
    if len(cmds) < 2: fail(f'the Quick start of nbs/index.ipynb should have two commands, found {cmds}')

    srv, base = serve(site)
    host = urllib.parse.urlparse(base).netloc
    ids_cache = {}
    def target_ids(path):
        if path not in ids_cache:
            try:
                with urllib.request.urlopen(base + path) as r: body = r.read().decode('utf-8', 'replace')
                p = IdParser(); p.feed(body); ids_cache[path] = p.ids
            except urllib.error.HTTPError as e: ids_cache[path] = e.code
        return ids_cache[path]

    from playwright.sync_api import sync_playwright
    exe = os.environ.get('CHROMIUM') or shutil.which('chromium') or '/usr/bin/chromium'
    n_links = n_imgs = n_docs = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=ARGS)
        ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
        for rel in pages:
            page, errs = ctx.new_page(), []
            watch(page, errs, host)
            resp = page.goto(base + rel, wait_until='load')
            if resp is None or resp.status != 200: fail(f'{rel}: HTTP {resp and resp.status}')
            page.wait_for_timeout(100)
            for e in errs: fail(f'{rel}: {e}')

            nav = page.eval_on_selector_all('nav.sidebar a', 'els => els.map(a => a.getAttribute("href"))')
            here = posixpath.dirname(rel)
            nav = [posixpath.normpath(posixpath.join(here, h)) for h in nav]
            if nav != expected_nav: fail(f'{rel}: sidebar {nav} != notebook order {expected_nav}')

            imgs = page.eval_on_selector_all('img', 'els => els.map(i => [i.getAttribute("src"), i.complete, i.naturalWidth])')
            for src, complete, w in imgs:
                if not (complete and w > 0): fail(f'{rel}: image {src} did not load (naturalWidth={w})')
            n_imgs += len(imgs)
            if rel in nb_of:
                want_img, hidden = nb_expectations(nbs/nb_of[rel])
                n_ok = sum(1 for _, c, w in imgs if c and w > 0)
                if n_ok < want_img: fail(f'{rel}: {n_ok} images shown, but {nb_of[rel]} has {want_img} visible plots/images')
                code = '\n'.join(page.eval_on_selector_all('.sourceCode', 'els => els.map(e => e.innerText)'))
                if re.search(r'(?m)^\s*#\|', code): fail(f'{rel}: a #| directive line is shown in the code')
                for h in hidden:
                    if h in code: fail(f'{rel}: code of a #| hide cell is shown: {h[:60]!r}')

            if rel == 'index.html':
                shown = '\n'.join(page.eval_on_selector_all('main pre', 'els => els.filter(e => e.offsetParent !== null).map(e => e.innerText)'))
                for c in cmds:
                    if c not in shown: fail(f'home page does not show the quick-start command {c!r}')

            if rel in doc_pages:
                entries = page.eval_on_selector_all('.showdoc', '''els => els.map(e => {
                    const h = e.querySelector("h1,h2,h3,h4"), sig = e.querySelector("pre"), doc = e.querySelector("p em, p");
                    return [h ? h.innerText.replace(/#\\s*$/, "").trim() : "", sig ? sig.innerText.trim() : "",
                            e.innerText.length, !!e.querySelector("em"), h ? e.offsetParent !== null : false]})''')
                byname = {e[0]: e for e in entries}
                if 'show_doc' in byname:
                    fail(f'{rel}: a show_doc entry documents show_doc itself: show_doc(x) got x=None. nbdev adds show_doc(name) '
                         'after each exported def; a `@fc.patch`-decorated def is not recognised as a patch and its name is '
                         'None in the module: decorate with `@patch` (from fastcore.basics import patch)')
                for mod, nm in doc_pages[rel]:
                    e = byname.get(nm)
                    if e is None: fail(f'{rel}: no show_doc entry for {mod}.{nm}'); continue
                    if not e[1]: fail(f'{rel}: show_doc entry for {nm} has no signature')
                    if not e[3]: fail(f'{rel}: show_doc entry for {nm} has no docstring (add a one-line docstring)')
                    if not e[4]: fail(f'{rel}: show_doc entry for {nm} is not visible')
                    n_docs += 1

            hrefs = page.eval_on_selector_all('a[href]', 'els => els.map(a => [a.href, a.innerText.trim()])')
            for h, txt in hrefs:
                u = urllib.parse.urlparse(h)
                if u.scheme in ('http', 'https') and u.netloc == host:
                    n_links += 1
                    path = urllib.parse.unquote(u.path.lstrip('/')) or 'index.html'
                    if path.endswith('/'): path += 'index.html'
                    ids = target_ids(path)
                    if isinstance(ids, int): fail(f'{rel}: broken link {h} (HTTP {ids})'); continue
                    if u.fragment and urllib.parse.unquote(u.fragment) not in ids and path.endswith('.html'):
                        nm = txt.strip('`()')
                        hint = f' (link text {txt!r}: add a `show_doc({nm})` cell to that page, or drop the backticks)' if '.' in u.fragment else ''
                        fail(f'{rel}: link {h}: no id "{u.fragment}" on {path}{hint}')
                elif u.scheme not in ('http', 'https', 'mailto'): fail(f'{rel}: odd link {h}')

            if rel == 'index.html': page.screenshot(path=str(out/'home.png'), full_page=True)
            if rel == 'results.html':
                tables = '\n'.join(page.eval_on_selector_all('main table', 'els => els.map(e => e.innerText)'))
                if 'miniai-fmnist' not in tables: fail('results.html: no table of runs with their miniai-fmnist commands')
                if not any(c and w > 0 for _, c, w in imgs): fail('results.html: the accuracy-against-time plot is not shown')
                page.screenshot(path=str(out/'results.png'), full_page=True)
            page.close()

        if 'results.html' not in pages: fail('no Results page (results.html from nbs/results.ipynb)')
        mods = [p for p in expected_nav if p in doc_pages]
        if mods:
            shot = 'learner.html' if 'learner.html' in mods else mods[0]
            page = ctx.new_page(); page.goto(base + shot, wait_until='load')
            page.screenshot(path=str(out/f'module-{Path(shot).stem}.png'))
            page.locator('.showdoc').first.scroll_into_view_if_needed()
            page.evaluate('document.querySelector(".showdoc").scrollIntoView()')
            page.screenshot(path=str(out/f'module-{Path(shot).stem}-showdoc.png'))
            page.close()
        browser.close()
    srv.shutdown()
    for img in re.findall(r'!\[[^\]]*\]\(([^)\s]+)\)', (ROOT/'README.md').read_text()):
        f = ROOT/img
        if not (f.is_file() and f.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'): fail(f'README.md shows {img}, which is not a PNG file here')
    n_names = sum(len(v) for v in names.values())
    print(f'docs browser test: {len(pages)} pages, {n_docs}/{n_names} show_doc entries, {n_imgs} images, '
          f'{n_links} internal links checked; screenshots in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/')
    if fails: sys.exit(f'docs browser test: {len(fails)} failure(s)')
    print('docs browser test: OK')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', default='_site'); ap.add_argument('--out', default='test-output')
    a = ap.parse_args()
    os.chdir(ROOT)
    main((ROOT/a.site).resolve(), (ROOT/a.out).resolve())
