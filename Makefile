# Colormap Decoder: set-up, demo, tests and packaging on Debian 12 (run as root, or with sudo).
#   make demo     decode the bundled sample figure with qgis_process (installs what is missing)
#   make test     run the whole test suite (installs what is missing)
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
# QGIS's embedded Python must not find another Python first on PATH (pyenv shims and the like).
QGIS_ENV := env PATH=/usr/sbin:/usr/bin:/sbin:/bin QT_QPA_PLATFORM=offscreen
PYTHON := $(QGIS_ENV) /usr/bin/python3
QGIS_PROCESS := $(QGIS_ENV) /usr/bin/qgis_process.bin
PROFILE_PLUGINS := $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
DEMO_OUT := $(CURDIR)/demo-output

.PHONY: deps install demo test package clean

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

test: install
	$(PYTHON) -m pytest -p no:cacheprovider tests

# One top folder, colormap_decoder/, with what QGIS runs: no tests, bench, sample, docs, caches.
package:
	@command -v zip >/dev/null || { echo "zip is missing: apt-get install zip (or make deps)"; exit 1; }
	@rm -rf build/package && mkdir -p build/package/$(PLUGIN_NAME) dist
	@rm -f dist/$(PLUGIN_NAME)-$(VERSION).zip
	cp -r metadata.txt __init__.py plugin icons LICENSE build/package/$(PLUGIN_NAME)/
	for optional in ui README.md CHANGELOG.md; do \
		[ ! -e $$optional ] || cp -r $$optional build/package/$(PLUGIN_NAME)/; done
	# The offline help page (help/decodemap.html), made from the README shipped beside it.
	$(PYTHON) build/package/$(PLUGIN_NAME)/plugin/help_page.py >/dev/null
	if ls i18n/*.qm >/dev/null 2>&1; then \
		mkdir -p build/package/$(PLUGIN_NAME)/i18n && cp i18n/*.qm build/package/$(PLUGIN_NAME)/i18n/; fi
	find build/package \( -name '__pycache__' -o -name '*.pyc' -o -name '.*' \) -prune -exec rm -rf {} +
	cd build/package && zip -qr ../../dist/$(PLUGIN_NAME)-$(VERSION).zip $(PLUGIN_NAME)
	@echo "dist/$(PLUGIN_NAME)-$(VERSION).zip"

clean:
	rm -rf build dist "$(DEMO_OUT)"
