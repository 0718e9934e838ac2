"""Driving the gallery page (ingest/gallery/web/) in headless Chromium with Selenium: start the
browser, read what the page drew, wait on it with deadlines. Used by gallery_browser.py.

Debian's packages: chromium, chromium-driver, python3-selenium (scripts/deps.sh).
"""
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

# A closed, quiet browser: no sandbox (it may run as root in CI), no GPU, and none of the
# background traffic (updates, sync, QUIC probes) that would try to leave the machine.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1000"]


class Browser:
    """Headless Chromium with a fresh profile; its console is kept (goog:loggingPrefs)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="fotogal-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in CHROMIUM_FLAGS + [f"--user-data-dir={self.profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.console = []  # every console entry read so far (get_log empties the browser's)

    def close(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, what, condition, timeout):
        """Polls `condition()` (a script's answer, say) until it is true; fails past the deadline
        with the page's console, which usually says why."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                     f"console: {self.read_console()}")
            time.sleep(0.1)

    def read_console(self):
        self.console += self.driver.get_log("browser")
        return self.console

    def console_errors(self):
        return [e for e in self.read_console() if e.get("level") == "SEVERE"]

    def screenshot(self, path):
        assert self.driver.save_screenshot(str(path)), f"no screenshot written to {path}"
        return path

    # -- the page

    def set_api_key(self, key):
        field = self.driver.find_element(By.ID, "api-key")
        field.clear()
        field.send_keys(key)
        self.driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()

    def choose_files(self, paths):
        """Through the page's file input, as a user picking several files would."""
        field = self.driver.find_element(By.ID, "file-input")
        field.send_keys("\n".join(str(p.resolve()) for p in paths))

    def record_states(self):
        """From now on, every state each card passes through, by file name (a card's first
        state is recorded when it joins the grid)."""
        self.js("""
            window.cardStates = {};
            const note = (card) => {
              const seen = (window.cardStates[card.title] ||= []);
              if (seen[seen.length - 1] !== card.dataset.state) seen.push(card.dataset.state);
            };
            new MutationObserver((changes) => {
              for (const c of changes) {
                if (c.type === 'attributes') note(c.target);
                for (const n of c.addedNodes || []) if (n.classList?.contains('card')) note(n);
              }
            }).observe(document.getElementById('grid'),
                       {subtree: true, childList: true, attributeFilter: ['data-state']});""")

    def state_history(self):
        return self.js("return window.cardStates;")

    def cards(self):
        """[{name, id, state, reason}] of every card, in page order."""
        return self.js("""
            return [...document.querySelectorAll('#grid .card')].map(c => ({
              name: c.title, id: c.dataset.id || null, state: c.dataset.state,
              reason: c.dataset.reason || null}));""")

    def thumbnail_facts(self, image_id):
        """What the card of `image_id` drew: the thumbnail's natural size once loaded, and the
        mean colours of its BlurHash placeholder and of its thumbnail (None: not drawn)."""
        return self.js("""
            const card = document.querySelector(`#grid .card[data-id="${arguments[0]}"]`);
            if (!card) return null;
            const img = card.querySelector('img.thumb');
            const canvas = card.querySelector('canvas.blurhash');
            // Mean RGB of what a canvas shows (every pixel opaque, or null).
            const mean = (source) => {
              const c = document.createElement('canvas');
              c.width = 32;
              c.height = 32;
              const ctx = c.getContext('2d', {willReadFrequently: true});
              ctx.drawImage(source, 0, 0, 32, 32);
              const px = ctx.getImageData(0, 0, 32, 32).data;
              const sum = [0, 0, 0];
              for (let i = 0; i < px.length; i += 4) {
                if (px[i + 3] !== 255) return null;
                for (let k = 0; k < 3; k++) sum[k] += px[i + k];
              }
              return sum.map(v => v / (px.length / 4));
            };
            const loaded = !!img && img.complete && img.naturalWidth > 0;
            return {loaded, width: img ? img.naturalWidth : 0, height: img ? img.naturalHeight : 0,
                    blurhash: canvas ? mean(canvas) : null,
                    thumbnail: loaded ? mean(img) : null};""", image_id)

    def open_detail(self, image_id):
        self.driver.find_element(By.CSS_SELECTOR, f'#grid .card[data-id="{image_id}"]').click()
        self.wait("the detail view", lambda: self.js(
            "const d = document.getElementById('detail'); return d.open && d.dataset.id;")
            == image_id, 10)

    def detail_facts(self):
        """What the detail view shows: the rendition (name, natural size), boxes drawn over it,
        colour swatches, the fact sections, the failure text."""
        return self.js("""
            const frame = document.getElementById('detail-frame');
            const img = frame.querySelector('img.rendition');
            const failure = document.querySelector('#detail-facts .failure');
            return {
              loaded: frame.dataset.loaded || null,
              width: img && img.complete ? img.naturalWidth : 0,
              height: img && img.complete ? img.naturalHeight : 0,
              faces: frame.querySelectorAll('.box.face').length,
              swatches: document.querySelectorAll('#detail-facts .swatch').length,
              sections: [...document.querySelectorAll('#detail-facts h3')].map(h => h.textContent),
              renditions: [...document.querySelectorAll('#detail-renditions button')]
                .map(b => b.dataset.name),
              failure: failure ? failure.textContent : null};""")

    def close_detail(self):
        self.driver.find_element(By.ID, "detail-close").click()
        self.wait("the detail view to close",
                  lambda: not self.js("return document.getElementById('detail').open"), 5)
