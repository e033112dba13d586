// Maps on the report pages, as an enhancement: without JavaScript the pages show lists and
// coordinate fields instead. Leaflet comes from our own server (the xstatic package); map tiles
// only when the server names a tile server (data-tiles), so by default nobody else is asked.

const NETHERLANDS = [52.13, 5.29];

let leafletPromise = null;

function loadCss(href) {
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", reject, { once: true });
    document.head.append(link);
  });
}

function loadLeaflet(element) {
  // leaflet.js is a UMD bundle: imported as a module it puts L on the global object.
  leafletPromise ??= Promise.all([
    loadCss(element.dataset.leafletCss),
    import(element.dataset.leafletJs),
  ]).then(() => window.L);
  return leafletPromise;
}

function readJson(text) {
  try {
    return JSON.parse(text || "[]");
  } catch {
    return [];
  }
}

function baseMap(L, element) {
  element.hidden = false;
  const tiles = element.dataset.tiles;
  const map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(tiles) });
  if (tiles) {
    L.tileLayer(tiles, {
      maxZoom: 19,
      attribution: element.dataset.attribution || "",
      referrerPolicy: "no-referrer",
    }).addTo(map);
  } else {
    element.classList.add("map-plain");
  }
  const features = readJson(element.dataset.outlines)
    .filter((outline) => outline.geometry)
    .map((outline) => ({ type: "Feature", geometry: outline.geometry, properties: {} }));
  const color = getComputedStyle(element).getPropertyValue("--green").trim() || "#1d6b4f";
  const style = { color, weight: 2, fillOpacity: 0.06, interactive: false };
  const outlines = L.geoJSON(features, { style }).addTo(map);
  return { map, outlines };
}

function fitWhenVisible(element, map, fit) {
  // A map in a hidden step has no size yet: fit it once it gets one (and after resizes).
  let fitted = false;
  const observer = new ResizeObserver(() => {
    if (!element.offsetWidth) return;
    map.invalidateSize();
    if (!fitted) {
      fitted = true;
      fit();
    }
  });
  observer.observe(element);
}

function fitTo(L, map, points, outlines, withTiles) {
  // Without tiles a point alone says nothing: keep the neighbourhood outlines in view too.
  const bounds = L.latLngBounds(points.map((p) => [p.lat, p.lon]));
  if (outlines.getLayers().length && (!withTiles || !points.length)) bounds.extend(outlines.getBounds());
  if (bounds.isValid()) {
    map.fitBounds(bounds, { maxZoom: 17, padding: [24, 24] });
  } else {
    map.setView(NETHERLANDS, 7);
  }
}

function popupFor(point) {
  const link = document.createElement("a");
  link.href = point.url;
  link.textContent = point.title;
  return link;
}

async function pointsMap(element) {
  const L = await loadLeaflet(element);
  const { map, outlines } = baseMap(L, element);
  const points = readJson(element.dataset.points);
  for (const point of points) {
    L.marker([point.lat, point.lon], { title: point.title, alt: point.title })
      .bindPopup(popupFor(point))
      .addTo(map);
  }
  fitWhenVisible(element, map, () => fitTo(L, map, points, outlines, Boolean(element.dataset.tiles)));
}

function pickerInputs(element) {
  return {
    lat: document.getElementById(element.dataset.latInput),
    lon: document.getElementById(element.dataset.lonInput),
  };
}

function readPoint(inputs) {
  const lat = parseFloat((inputs.lat?.value || "").replace(",", "."));
  const lon = parseFloat((inputs.lon?.value || "").replace(",", "."));
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
}

function setupPicker(element) {
  // The buttons and the inputs work even if Leaflet never loads; the map is a bonus.
  const scope = element.closest("[data-place]") || document;
  const inputs = pickerInputs(element);
  const tools = scope.querySelector("[data-map-tools]");
  const locate = scope.querySelector("[data-locate]");
  const centre = scope.querySelector("[data-centre]");
  const status = scope.querySelector("[data-locate-status]");
  const picker = { map: null, marker: null, L: null };

  function say(text) {
    if (status) status.textContent = text || "";
  }

  function place(point, { announce = true, pan = true } = {}) {
    inputs.lat.value = point.lat.toFixed(6);
    inputs.lon.value = point.lon.toFixed(6);
    if (picker.map) {
      const latlng = [point.lat, point.lon];
      if (!picker.marker) {
        picker.marker = picker.L.marker(latlng, {
          draggable: true,
          title: element.dataset.textPin,
          alt: element.dataset.textPin,
        }).addTo(picker.map);
        picker.marker.on("dragend", () => {
          const moved = picker.marker.getLatLng();
          place({ lat: moved.lat, lon: moved.lng }, { pan: false });
        });
      } else {
        picker.marker.setLatLng(latlng);
      }
      if (pan) {
        const zoom = element.dataset.tiles ? Math.max(picker.map.getZoom(), 17) : picker.map.getZoom();
        picker.map.setView(latlng, zoom);
      }
    }
    if (announce) {
      element.dispatchEvent(new CustomEvent("report:place", { bubbles: true, detail: point }));
    }
  }

  if (tools) tools.hidden = false;
  if (locate && "geolocation" in navigator) {
    locate.addEventListener("click", () => {
      say(locate.dataset.textBusy);
      navigator.geolocation.getCurrentPosition(
        (position) => {
          place({ lat: position.coords.latitude, lon: position.coords.longitude });
          say(locate.dataset.textFound);
        },
        () => say(locate.dataset.textFailed),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }
  for (const input of [inputs.lat, inputs.lon]) {
    input?.addEventListener("change", () => {
      const point = readPoint(inputs);
      if (point) place(point);
    });
  }

  loadLeaflet(element).then((L) => {
    const { map, outlines } = baseMap(L, element);
    Object.assign(picker, { map, L });
    scope.querySelector("[data-map-help]")?.removeAttribute("hidden");
    if (element.dataset.tiles) {
      // With a real map the coordinates need no typing; without one they stay visible.
      scope.querySelector("[data-coordinates]")?.setAttribute("hidden", "");
    }
    map.on("click", (event) => place({ lat: event.latlng.lat, lon: event.latlng.lng }, { pan: false }));
    centre?.addEventListener("click", () => {
      const middle = map.getCenter();
      place({ lat: middle.lat, lon: middle.lng }, { pan: false });
    });
    const start = readPoint(inputs);
    fitWhenVisible(element, map, () => {
      fitTo(L, map, [], outlines, Boolean(element.dataset.tiles));
      if (start) place(start, { announce: false });
    });
  }).catch((error) => {
    if (centre) centre.hidden = true;
    console.warn("Map not available", error);
  });
}

for (const element of document.querySelectorAll("[data-map]")) {
  if (element.dataset.map === "picker") {
    setupPicker(element);
  } else {
    pointsMap(element).catch((error) => console.warn("Map not available", error));
  }
}
