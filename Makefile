# Colormap Decoder: set-up, demo, tests and packaging on Debian 12 (run as root, or with sudo).
#   make demo     decode the bundled sample figure with qgis_process (installs what is missing)
#   make test     lint, then run the whole test suite (installs what is missing)
#   make lint     ruff (rules in ruff.toml); make test-quick: the tests that need no QGIS
#   make install  link the plugin into the default QGIS profile and enable it
#   make package  build dist/colormap_decoder-VERSION.zip for plugins.qgis.org

SHELL := /bin/bash
PLUGIN_NAME := colormap_decoder
DEBIAN_PACKAGES := qgis python3-qgis qgis-providers python3-gdal python3-rasterio python3-pyproj \
	python3-shapely python3-sklearn python3-scipy python3-matplotlib python3-pil \
	python3-pytest python3-hypothesis python3-colorcet proj-data gmt gmt-gshhg-low ghostscript zip
# The HTML report is checked in a real browser (tests/qgis/test_decode_report.py).
DEBIAN_PACKAGES += chromium
# Reading tick labels off a figure (issue 17): Tesseract OCR and its Python binding.
DEBIAN_PACKAGES += tesseract-ocr tesseract-ocr-eng python3-tesserocr
# cartopy draws one of the detection tests' figures (gridline labels without tick marks).
DEBIAN_PACKAGES += python3-cartopy
# The native grid tests convert figures to JPEG with ImageMagick, as a publisher's pipeline would.
DEBIAN_PACKAGES += imagemagick
# The accuracy tests' peer `unmap` (PyPI) lives in a venv of the system Python (make peers).
DEBIAN_PACKAGES += python3-venv
# The linter (ruff, not packaged by Debian 12) comes from PyPI through Debian's pip.
DEBIAN_PACKAGES += python3-pip
# A private PostGIS server the PostGIS output's tests start (tests/qgis/test_postgis_output.py).
DEBIAN_PACKAGES += postgresql-15-postgis-3
# A single self-contained binary without Python dependencies: installed with --no-deps into
# /usr/local (where pip puts what root installs), it cannot replace or break a Debian package.
RUFF_VERSION := 0.8.6
# `make peers`: PyPI's unmap, pinned in tests/unmap-requirements.txt, in a venv outside the
# checkout (tests/faithful_peers.py looks here, or at $COLORMAP_DECODER_UNMAP_PYTHON). The venv
# sees Debian's packages; a constraints file of their installed versions keeps pip off them.
PEERS_DIR := /var/lib/colormap-decoder/peers
UNMAP_VENV := $(PEERS_DIR)/unmap-$(shell sed -n 's/^unmap==//p' tests/unmap-requirements.txt)
# QGIS's embedded Python must not find another Python first on PATH (pyenv shims and the like).
QGIS_ENV := env PATH=/usr/sbin:/usr/bin:/sbin:/bin QT_QPA_PLATFORM=offscreen
PYTHON := $(QGIS_ENV) /usr/bin/python3
QGIS_PROCESS := $(QGIS_ENV) /usr/bin/qgis_process.bin
PROFILE_PLUGINS := $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
DEMO_OUT := $(CURDIR)/demo-output
# Where `make package` works and puts the zip (the tests point them at a temporary folder).
BUILD_DIR := build
DIST_DIR := dist

.PHONY: deps install demo peers lint-deps lint test test-quick package clean

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q \
			--no-install-recommends $$missing; \
	fi

install: deps
	mkdir -p "$(PROFILE_PLUGINS)"
	ln -sfn "$(CURDIR)" "$(PROFILE_PLUGINS)/$(PLUGIN_NAME)"
	$(QGIS_PROCESS) plugins enable $(PLUGIN_NAME) >/dev/null 2>&1 || $(QGIS_PROCESS) plugins 2>/dev/null | grep -q "\* $(PLUGIN_NAME)"
	@echo "Plugin linked at $(PROFILE_PLUGINS)/$(PLUGIN_NAME) and enabled."

demo: install
	@rm -rf "$(DEMO_OUT)" && mkdir -p "$(DEMO_OUT)"
	$(QGIS_PROCESS) run colormapdecoder:decodemap -- \
		INPUT="$(CURDIR)/sample/vinschgau_viridis.png" \
		GCPS="$(CURDIR)/sample/vinschgau_viridis.png.points" \
		TRANSFORM=0 TARGET_CRS=EPSG:32632 \
		COLORMAP=viridis VMIN=0 VMAX=4000 \
		$$(cat sample/vinschgau_viridis.extents.txt | grep PLOT_AREA) \
		MAX_COLOR_DISTANCE=12 \
		OUTPUT="$(DEMO_OUT)/vinschgau_decoded.tif" \
		OUTPUT_POINTS="$(DEMO_OUT)/vinschgau_points.gpkg"
	$(PYTHON) sample/describe_outputs.py "$(DEMO_OUT)/vinschgau_decoded.tif" \
		"$(DEMO_OUT)/vinschgau_points.gpkg" --truth sample/terra_elev_vinschgau.tif

peers: deps
	@cmp -s tests/unmap-requirements.txt "$(UNMAP_VENV)/requirements.txt" && \
		$(UNMAP_VENV)/bin/python -c "import unmap" 2>/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "Installing the peer unmap into $(UNMAP_VENV)"; \
		$$SUDO rm -rf "$(UNMAP_VENV)" && $$SUDO mkdir -p "$(PEERS_DIR)" && \
		$$SUDO /usr/bin/python3 -m venv --system-site-packages "$(UNMAP_VENV)" && \
		$(PYTHON) -c "import importlib.metadata as m; \
			print(*(f'{p}=={m.version(p)}' for p in ('numpy', 'scipy', 'matplotlib', 'pillow')), sep='\n')" \
			| $$SUDO tee "$(UNMAP_VENV)/system-constraints.txt" >/dev/null && \
		$$SUDO $(QGIS_ENV) "$(UNMAP_VENV)/bin/python" -m pip install --quiet \
			-c "$(UNMAP_VENV)/system-constraints.txt" -r tests/unmap-requirements.txt && \
		$$SUDO cp tests/unmap-requirements.txt "$(UNMAP_VENV)/requirements.txt"; }

lint-deps: deps
	@$(PYTHON) -m ruff --version 2>/dev/null | grep -qx "ruff $(RUFF_VERSION)" || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO $(PYTHON) -m pip install --quiet --break-system-packages --no-deps \
			"ruff==$(RUFF_VERSION)"; }

lint: lint-deps
	$(PYTHON) -m ruff check --no-cache .

test: install lint peers
	$(PYTHON) -m pytest -p no:cacheprovider tests

# The engine tests and the repository checks: no QGIS started (pytest markers, see pytest.ini).
test-quick: lint-deps
	$(PYTHON) -m pytest -p no:cacheprovider -m "not qgis" tests

# One top folder, colormap_decoder/, with what QGIS runs: no tests, bench, sample, docs, caches.
package:
	@command -v zip >/dev/null || { echo "zip is missing: apt-get install zip (or make deps)"; exit 1; }
	@rm -rf $(BUILD_DIR)/package && mkdir -p $(BUILD_DIR)/package/$(PLUGIN_NAME) $(DIST_DIR)
	@rm -f $(DIST_DIR)/$(PLUGIN_NAME)-$(VERSION).zip
	cp -r metadata.txt __init__.py plugin icons LICENSE $(BUILD_DIR)/package/$(PLUGIN_NAME)/
	for optional in ui README.md CHANGELOG.md; do \
		[ ! -e $$optional ] || cp -r $$optional $(BUILD_DIR)/package/$(PLUGIN_NAME)/; done
	# The offline help page (help/decodemap.html), made from the README shipped beside it.
	$(PYTHON) $(BUILD_DIR)/package/$(PLUGIN_NAME)/plugin/help_page.py >/dev/null
	if ls i18n/*.qm >/dev/null 2>&1; then \
		mkdir -p $(BUILD_DIR)/package/$(PLUGIN_NAME)/i18n && cp i18n/*.qm $(BUILD_DIR)/package/$(PLUGIN_NAME)/i18n/; fi
	find $(BUILD_DIR)/package \( -name '__pycache__' -o -name '*.pyc' -o -name '.*' \) -prune -exec rm -rf {} +
	cd $(BUILD_DIR)/package && zip -qr $(abspath $(DIST_DIR))/$(PLUGIN_NAME)-$(VERSION).zip $(PLUGIN_NAME)
	@echo "$(DIST_DIR)/$(PLUGIN_NAME)-$(VERSION).zip"

clean:
	rm -rf build dist "$(DEMO_OUT)"
