import Foundation
import ZoneGeometry
import ZonePlan

/// The map page at `/map`: Leaflet served locally from Debian's libjs-leaflet (no CDN), the plan
/// layers as the basemap (no remote tiles unless `--tiles` names the bureau's own server).
enum MapPage {
    static func html(config: ServerConfiguration, plan: PlanData) -> String {
        let cfg: JSONValue = .object([
            "tiles": config.tilesURL.map(JSONValue.string) ?? .null,
            "writes": .bool(config.token != nil),
            "workspace": .bool(config.workspace != nil),
            "layers": .array(plan.layers.map { .object(["id": .string($0.name), "title": .string($0.title)]) }),
            "geodata": .string(plan.geodataVersion), "rulepack": .string(plan.rulePack.version),
        ])
        // "</" must not appear inside the inline script.
        let cfgText = cfg.serialized().replacingOccurrences(of: "</", with: "<\\/")
        return page.replacingOccurrences(of: "__CONFIG__", with: cfgText)
    }

    static let page = #"""
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>ZonePlanner 嘉兴工业项目选址审查地图</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/leaflet/leaflet.css">
<script src="/leaflet/leaflet.js"></script>
<style>
html,body{margin:0;height:100%;font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;font-size:13px}
#app{display:flex;height:100%}
#panel{width:380px;overflow-y:auto;padding:8px 10px;box-sizing:border-box;border-right:1px solid #bbb;background:#fafafa}
#map{flex:1;background:#f2efe9}
h1{font-size:16px;margin:2px 0 6px} h2{font-size:13px;margin:10px 0 4px;border-bottom:1px solid #ccc}
label{display:flex;justify-content:space-between;margin:2px 0} label input{width:170px}
button{margin:2px 2px 2px 0;padding:3px 8px} .row{margin:4px 0}
#verdict{font-size:17px;font-weight:bold;padding:6px;border:2px solid #999;margin:6px 0;min-height:1em}
#verdict.approve{color:#15702a;border-color:#15702a}#verdict.conditional{color:#9a6500;border-color:#9a6500}
#verdict.reject{color:#b00000;border-color:#b00000}#verdict.incomplete{color:#555;border-color:#555}
#findings table{border-collapse:collapse;width:100%;font-size:11.5px} #findings td{border-top:1px solid #ddd;padding:2px;vertical-align:top}
.o-fail{color:#b00000;font-weight:bold}.o-warn{color:#9a6500;font-weight:bold}.o-pass{color:#15702a}.o-unverifiable{color:#555;font-weight:bold}
.legend{background:#fff;padding:6px 8px;border:1px solid #999;line-height:1.5;font-size:12px}
.legend input{width:auto;margin:0 4px 0 0}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;border:1px solid #666;vertical-align:middle}
#status{color:#555;font-size:11.5px;min-height:1.2em} .err{color:#b00000}
.note{color:#666;font-size:11px}
#results table{border-collapse:collapse;width:100%;font-size:12px;margin-top:4px} #results td,#results th{border-top:1px solid #ddd;padding:2px;text-align:left}
#results tr.result{cursor:pointer} #results tr.selected{background:#e8eefb}
.readout{background:rgba(255,255,255,.88);padding:2px 6px;font-size:11.5px;font-family:"Noto Sans Mono","DejaVu Sans Mono",monospace;border:1px solid #aaa}
.zlabel-anchor{overflow:visible}
.zlabel{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;font-size:12px;color:#222;pointer-events:none;
  text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}
.zlabel-admin{font-size:13px;font-weight:bold;color:#333}.zlabel-platforms{color:#123f7a}.zlabel-function_zones{color:#1d5e1d}
</style></head>
<body><div id="app">
<div id="panel">
<h1>嘉兴工业项目选址审查 ZonePlanner</h1>
<div class="note">点击地图查询该处适用规则；画出或上传地块，填写项目信息后审查。Click the map to see what applies there; draw or upload a site, fill in the project and vet it.</div>
<h2>地块 Site</h2>
<div class="row"><button id="draw">画地块 Draw</button><button id="finish" disabled>完成 Finish</button><button id="clear">清除 Clear</button></div>
<div class="row"><input type="file" id="upload" accept=".geojson,.json,.txt"> <span class="note">GeoJSON 或报部 TXT</span></div>
<h2>项目 Project</h2>
<div class="note" id="multi" hidden>文件含多块地：各按文件中自己的属性审查。The file holds several sites: each is vetted with its own properties.</div>
<form id="form" onsubmit="return false"><fieldset id="formset" style="border:none;margin:0;padding:0">
<label>项目名称 name <input name="name" required></label>
<label>行业代码 industry <input name="industry" placeholder="C3825"></label>
<label>投资 investment_wan 万元 <input name="investment_wan" inputmode="decimal"></label>
<label>产值 output_wan 万元/年 <input name="output_wan" inputmode="decimal"></label>
<label>增加值 value_added_wan <input name="value_added_wan" inputmode="decimal"></label>
<label>能耗 energy_tce 吨标煤 <input name="energy_tce" inputmode="decimal"></label>
<label>申报面积 declared_area_mu 亩 <input name="declared_area_mu" inputmode="decimal"></label>
</fieldset></form>
<div class="row"><button id="vet">审查 Vet</button><button id="report">打印报告 Report</button></div>
<div id="status"></div>
<div id="results"></div>
<div id="verdict" data-verdict=""></div>
<div id="summary"></div>
<div id="findings"></div>
<div id="record-panel"><h2>记录决定 Record the decision</h2>
<div class="row"><input type="password" id="token" placeholder="bearer token" style="width:170px"> <input id="official" placeholder="经办人 official" style="width:110px"></div>
<div class="row"><button id="record">记录 Record</button> <span id="recorded"></span></div></div>
<div id="case-panel" hidden><h2>案件 Case 经办 → 审核 → 签发</h2>
<div class="row"><input type="password" id="case-token" placeholder="本人令牌 your token" style="width:150px"> <input id="case-id" placeholder="案件号 case" style="width:60px"> <button id="case-load">查看 Show</button></div>
<div class="row"><button id="case-open">立案 Open case (经办)</button> <input id="case-note" placeholder="意见 note" style="width:160px"></div>
<div id="case-state" data-state=""></div><div id="case-steps"></div><div class="row" id="case-actions" data-actions=""></div></div>
<div class="note" id="readonly" hidden>本服务只读（未设令牌或工作空间），不能记录决定。This server is read-only (no token or no workspace): decisions cannot be recorded here.</div>
<pre id="probe" hidden></pre><pre id="probe-time" hidden></pre>
<div class="note" id="versions"></div>
</div>
<div id="map"></div>
</div>
<script>
const CFG = __CONFIG__;
const ZH = {approve:'同意', conditional:'附条件同意', reject:'不予同意', incomplete:'资料不全，无法审查'};
const $ = s => document.querySelector(s);
const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const status = (s, err) => { const e = $('#status'); e.textContent = s; e.className = err ? 'err' : ''; };
$('#versions').textContent = `GeoData ${CFG.geodata} · rule pack ${CFG.rulepack}` + (CFG.tiles ? '' : ' · 无在线底图 no remote tiles');
// Recording needs a token on the server and a workspace; a read-only server shows no Record panel.
if (!(CFG.writes && CFG.workspace)) { $('#record-panel').hidden = true; $('#readonly').hidden = false; }

// Times shown to a person: China time with the zone written out, as the CLI and reports do.
function chinaTime(iso) {
  const d = new Date(iso); if (isNaN(d)) return String(iso ?? '');
  const c = new Date(d.getTime() + 8 * 3600e3), p = n => String(n).padStart(2, '0');
  return `${c.getUTCFullYear()}-${p(c.getUTCMonth() + 1)}-${p(c.getUTCDate())} ${p(c.getUTCHours())}:${p(c.getUTCMinutes())} (UTC+8)`;
}

// CGCS2000 3° Gauss-Krüger CM 120°E (EPSG:4549): transverse Mercator, k0 = 1, false easting
// 500 km, Krüger's series to n^6 (sub-millimetre within the zone). X = northing, Y = easting,
// as Chinese surveying writes them. Lon/lat on CGCS2000 taken as WGS84 (they differ by cm).
const GK = (() => {
  const a = 6378137, f = 1 / 298.257222101, n = f / (2 - f), e = 2 * Math.sqrt(n) / (1 + n);
  const n2 = n*n, n3 = n2*n, n4 = n3*n, n5 = n4*n, n6 = n5*n;
  const A = a / (1 + n) * (1 + n2/4 + n4/64 + n6/256);
  const al = [n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
    13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
    61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
    49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
    34729*n5/80640 - 3418889*n6/1995840,
    212378941*n6/319334400];
  return (lon, lat) => {
    const phi = lat * Math.PI / 180, dl = (lon - 120) * Math.PI / 180, s = Math.sin(phi);
    const t = Math.sinh(Math.atanh(s) - e * Math.atanh(e * s));
    const xi = Math.atan2(t, Math.cos(dl)), eta = Math.atanh(Math.sin(dl) / Math.sqrt(1 + t*t));
    let x = xi, y = eta;
    for (let j = 1; j <= 6; j++) { x += al[j-1] * Math.sin(2*j*xi) * Math.cosh(2*j*eta); y += al[j-1] * Math.cos(2*j*xi) * Math.sinh(2*j*eta); }
    return {northing: A * x, easting: 500000 + A * y};
  };
})();
function coordText(ll) {
  const g = GK(ll.lng, ll.lat);
  return `WGS84 ${ll.lng.toFixed(6)}°E ${ll.lat.toFixed(6)}°N · CGCS2000 GK CM120 (EPSG:4549) X ${g.northing.toFixed(2)} Y ${g.easting.toFixed(2)} m`;
}

const map = L.map('map', {zoomSnap: 0.25, maxZoom: 20}).setView([30.72, 120.76], 9);
if (CFG.tiles) L.tileLayer(CFG.tiles, {maxZoom: 20, maxNativeZoom: 19, attribution: 'bureau tiles'}).addTo(map);
L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
const readout = L.control({position: 'bottomleft'});
readout.onAdd = () => { const d = L.DomUtil.create('div', 'readout'); d.id = 'readout'; d.textContent = '移动鼠标显示坐标 move the mouse for coordinates'; return d; };
readout.addTo(map);
map.on('mousemove', e => { $('#readout').textContent = coordText(e.latlng); });

const CAT = {prohibited:'#d62728', ecological:'#7bc96f', optimized:'#8fb3e0', key:'#ffc94d'};
const LAYER_COLOUR = {admin:'#444444', layout:'#e08a20', platforms:'#1f5fb4', function_zones:'#2ca02c', clusters:'#9467bd'};
// Names on the map from these zooms on (the city and counties from afar, platforms close up).
const LABEL_ZOOM = {admin: 9.5, layout: 11, clusters: 11.5, function_zones: 12, platforms: 12};
function styleFor(layer, f) {
  const p = f.properties || {};
  if (layer === 'admin') return {color:'#333', weight: p.kind === 'city' ? 2.5 : 1.5, dashArray: p.kind === 'city' ? null : '6 3', fill:false};
  if (layer === 'function_zones') return {color: CAT[p.category] || '#2ca02c', weight:1, fillColor: CAT[p.category] || '#2ca02c', fillOpacity:0.28};
  if (layer === 'platforms') return {color:'#1f5fb4', weight:1.5, fillColor:'#1f5fb4', fillOpacity:0.25};
  if (layer === 'clusters') return {color:'#9467bd', weight:1, dashArray:'3 3', fillOpacity:0.06};
  return {color: LAYER_COLOUR[layer] || '#888', weight:1.2, fillOpacity:0.08};
}
const groups = {}, byId = {};
const order = ['function_zones','layout','clusters','platforms','admin'];
const layers = CFG.layers.slice().sort((a,b) => order.indexOf(a.id) - order.indexOf(b.id));
const legend = L.control({position:'topright'});
legend.onAdd = () => {
  const d = L.DomUtil.create('div', 'legend');
  d.innerHTML = '<b>图层 Layers</b><br>' + layers.slice().reverse().map(l =>
    `<label style="display:block"><input type="checkbox" data-layer="${esc(l.id)}" checked> <i style="background:${LAYER_COLOUR[l.id]||'#888'}"></i>${esc(l.title)}</label>`).join('') +
    '<b>主体功能区</b><br>' + [['prohibited','禁止开发'],['ecological','生态经济'],['optimized','优化开发'],['key','重点开发']].map(([k,n]) =>
    `<i style="background:${CAT[k]}"></i>${n}`).join('<br>') + '<br><i style="background:#000;opacity:.4"></i>申请地块 site' +
    '<br><i style="border:2px solid #d00000"></i>不通过/附条件 behind a fail or warn<br><i style="border:2px dashed #1f5fb4"></i>最近平台（参考）nearest platform';
  L.DomEvent.disableClickPropagation(d);
  d.addEventListener('change', e => { const id = e.target.dataset.layer; if (!groups[id]) return;
    if (e.target.checked) { groups[id].addTo(map); reorder(); } else map.removeLayer(groups[id]); updateLabels(); });
  return d;
};
legend.addTo(map);
// 亩均效益: an evaluation year stored in the workspace, its parcels by class (off at first; only
// when the workspace has a year). A year picker beside the entry lists the stored years: the latest
// at first, or ?mujun=YEAR; the picked year's parcels replace the layer (on the map if it was).
// body[data-mujun] = "YEAR:PARCELS" once loaded.
const MUJUN = {A:'#1a9850', B:'#91cf60', C:'#fee08b', D:'#d73027', not_evaluated:'#bbbbbb', unclaimed:'#7b3294'};
function loadMujun(year) {
  return fetch(`/evaluation?year=${encodeURIComponent(year)}&f=geojson`).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }).then(fc => {
    const shown = groups.mujun && map.hasLayer(groups.mujun);
    if (groups.mujun) map.removeLayer(groups.mujun);
    groups.mujun = L.geoJSON(fc, {style: f => { const c = MUJUN[f.properties.class] || '#888'; return {color: c, weight: 0.6, fillColor: c, fillOpacity: 0.65}; },
      onEachFeature: (f, lyr) => { const p = f.properties;
        lyr.bindTooltip(esc(`${p.year} · ${p.firm || '无企业 no firm'} · ${p.class_zh}${p.score != null ? ' · ' + p.score : ''}`), {sticky: true}); }});
    if (shown) { groups.mujun.addTo(map); reorder(); }
    document.body.dataset.mujun = `${year}:${fc.features.length}`;
  });
}
if (CFG.workspace) fetch('/evaluation/years').then(r => r.ok ? r.json() : {years: []}).then(y => {
  const years = (y.years || []).map(String);
  if (!years.length) return;
  const asked = new URLSearchParams(location.search).get('mujun');
  const year = years.includes(asked) ? asked : years[years.length - 1];
  order.splice(1, 0, 'mujun');
  document.querySelector('.legend').insertAdjacentHTML('beforeend',
    `<br><label style="display:block"><input type="checkbox" data-layer="mujun"> 亩均效益 </label>` +
    [['A','A 优先发展'],['B','B 鼓励提升'],['C','C 监管调控'],['D','D 落后整治'],['unclaimed','无企业 idle']].map(([k,n]) =>
      `<i style="background:${MUJUN[k]}"></i>${n}`).join('<br>'));
  const picker = document.createElement('select');
  picker.id = 'mujun-year';
  picker.title = '评价年度 evaluation year';
  picker.innerHTML = years.map(v => `<option value="${esc(v)}"${v === year ? ' selected' : ''}>${esc(v)}</option>`).join('');
  picker.addEventListener('change', () => loadMujun(picker.value).catch(e => status('亩均图层加载失败 ' + e, true)));
  document.querySelector('.legend input[data-layer="mujun"]').parentElement.appendChild(picker);
  return loadMujun(year);
}).catch(e => status('亩均图层加载失败 ' + e, true));
function reorder() { for (const id of order) if (groups[id] && map.hasLayer(groups[id])) groups[id].bringToFront(); if (siteLayer) siteLayer.bringToFront(); }

// Zone labels: at each layer's zoom, for zones big enough on screen, skipping any that would
// overlap a label already placed (higher layers first), so names never pile up.
const labels = L.layerGroup().addTo(map);
// Even-odd point in polygon over Leaflet's nested rings (a Polygon's or a MultiPolygon's).
function inside(rings, ll) {
  let c = false;
  (function walk(a) {
    if (!a.length) return;
    if (a[0] instanceof L.LatLng) {
      for (let i = 0, j = a.length - 1; i < a.length; j = i++) {
        const yi = a[i].lat, yj = a[j].lat, xi = a[i].lng, xj = a[j].lng;
        if ((yi > ll.lat) !== (yj > ll.lat) && ll.lng < (xj - xi) * (ll.lat - yi) / (yj - yi) + xi) c = !c;
      }
    } else for (const x of a) walk(x);
  })(rings);
  return c;
}
function updateLabels() {
  labels.clearLayers();
  const z = map.getZoom(), view = map.getBounds(), taken = [];
  if (siteLayer) { const sb = siteLayer.getBounds(), a = map.latLngToContainerPoint(sb.getNorthWest()), c = map.latLngToContainerPoint(sb.getSouthEast());
    taken.push([a.x, a.y, c.x, c.y]); }
  for (const id of order.slice().reverse()) {
    if (!groups[id] || !map.hasLayer(groups[id]) || z < (LABEL_ZOOM[id] ?? 99)) continue;
    groups[id].eachLayer(lyr => {
      const f = lyr.feature, b = lyr.getBounds();
      if (!f || f.properties.kind === 'city' || !view.intersects(b)) return;
      const nw = map.latLngToContainerPoint(b.getNorthWest()), se = map.latLngToContainerPoint(b.getSouthEast());
      if (Math.abs(se.x - nw.x) < 50 && Math.abs(se.y - nw.y) < 30) return;
      // A spot inside the zone's visible part: the middle of what is in view, else points of a
      // 4×4 grid over it, the first inside the polygon and clear of the labels already placed.
      const vb = L.latLngBounds([Math.max(b.getSouth(), view.getSouth()), Math.max(b.getWest(), view.getWest())],
                                [Math.min(b.getNorth(), view.getNorth()), Math.min(b.getEast(), view.getEast())]);
      const name = f.properties.name || '', w = 13 * name.length + 8, h = 18;
      const tries = [vb.getCenter()];
      for (let i = 1; i <= 4; i++) for (let j = 1; j <= 4; j++)
        tries.push(L.latLng(vb.getSouth() + (vb.getNorth() - vb.getSouth()) * i / 5, vb.getWest() + (vb.getEast() - vb.getWest()) * j / 5));
      let c = null, box = null;
      for (const t of tries) {
        if (!inside(lyr.getLatLngs(), t)) continue;
        const p = map.latLngToContainerPoint(t), bx = [p.x - w/2, p.y - h/2, p.x + w/2, p.y + h/2];
        if (taken.some(k => bx[0] < k[2] && bx[2] > k[0] && bx[1] < k[3] && bx[3] > k[1])) continue;
        c = t; box = bx; break;
      }
      if (!c) return;
      taken.push(box);
      L.marker(c, {interactive: false, keyboard: false, icon: L.divIcon({className: 'zlabel-anchor', iconSize: [0, 0],
        html: `<span class="zlabel zlabel-${esc(id)}" data-zone="${esc(f.id)}">${esc(name)}</span>`})}).addTo(labels);
    });
  }
}
map.on('zoomend moveend', updateLabels);
// For the page test: how far in the map is and how big the site is on screen.
map.on('zoomend moveend', () => {
  document.body.dataset.zoom = map.getZoom().toFixed(2);
  if (!siteLayer) return;
  const b = siteLayer.getBounds(), nw = map.latLngToContainerPoint(b.getNorthWest()), se = map.latLngToContainerPoint(b.getSouthEast());
  document.body.dataset.sitePx = Math.round(Math.max(se.x - nw.x, se.y - nw.y));
});

const loaded = Promise.all(layers.map(l => fetch(`/collections/${encodeURIComponent(l.id)}/items?limit=1000`).then(r => r.json()).then(fc => {
  groups[l.id] = L.geoJSON(fc, {style: f => styleFor(l.id, f), onEachFeature: (f, lyr) => {
    byId[f.id] = {layer: lyr, style: styleFor(l.id, f)};
    lyr.bindTooltip(esc(f.properties.name), {sticky: true});
  }}).addTo(map);
}))).then(() => { reorder(); if (groups.admin && !hook) map.fitBounds(groups.admin.getBounds()); updateLabels(); status('图层已加载 layers loaded'); })
  .catch(e => status('图层加载失败 ' + e, true));

// The sites: drawn (one polygon) or uploaded (every feature of the file, every part and hole).
// Each is {geometry, properties}; a single site takes the form's fields over its own.
let sites = [], siteLayer = null, drawing = false, vertices = [], sketch = null, results = [];
function showSites(fit) {
  if (siteLayer) map.removeLayer(siteLayer);
  siteLayer = sites.length ? L.geoJSON({type: 'FeatureCollection', features: sites.map(s => ({type: 'Feature', properties: {}, geometry: s.geometry}))},
    {style: {color:'#000', weight:3, fillColor:'#000', fillOpacity:0.3}, interactive: false}).addTo(map) : null;
  if (siteLayer && fit) fitSites();
}
// Close enough that a 40 亩 site is a shape (about a third of the view), never further out than the city.
function fitSites() { if (siteLayer) map.fitBounds(siteLayer.getBounds().pad(1), {maxZoom: 18}); }
function clearSites() { sites = []; results = []; showSites(false); $('#results').innerHTML = ''; $('#formset').disabled = false; $('#multi').hidden = true; }
$('#draw').onclick = () => { drawing = true; vertices = []; $('#finish').disabled = false; status('点击地图添加顶点 click to add vertices, then Finish'); };
$('#finish').onclick = () => {
  drawing = false; $('#finish').disabled = true;
  if (sketch) { map.removeLayer(sketch); sketch = null; }
  if (vertices.length < 3) { status('至少三个顶点 a site needs 3 vertices', true); return; }
  clearSites();
  sites = [{geometry: {type: 'Polygon', coordinates: [ring(vertices)]}, properties: {}}];
  showSites(false); status('地块已画好 site drawn');
};
$('#clear').onclick = () => { clearSites(); vertices = []; if (sketch) map.removeLayer(sketch); sketch = null; clearHighlight(); };
map.on('click', e => {
  if (drawing) {
    vertices.push(e.latlng);
    if (sketch) map.removeLayer(sketch);
    sketch = L.polyline(vertices, {color:'#000', dashArray:'4 4'}).addTo(map);
    return;
  }
  fetch(`/where?lon=${e.latlng.lng.toFixed(7)}&lat=${e.latlng.lat.toFixed(7)}`).then(r => r.json()).then(w => {
    if (w.error) { L.popup().setLatLng(e.latlng).setContent(esc(w.error)).openOn(map); return; }
    const feats = w.features.map(f => `<li>${esc(f.name)} <span class="note">${esc(f.kind)} ${esc(f.detail_zh||'')}</span></li>`).join('');
    const rules = w.rules.map(r => `<li><b>${esc(r.rule)}</b> ${esc(r.effect)}: ${esc(r.zh)}</li>`).join('');
    L.popup({maxWidth: 420, maxHeight: 320}).setLatLng(e.latlng).setContent(
      `<b>${w.lon}, ${w.lat}</b>${w.in_jiaxing ? '' : ' 不在嘉兴市域内'}<br><span class="note">${esc(coordText(e.latlng))}</span><ul>${feats}</ul><b>适用规则</b><ul>${rules}</ul>`).openOn(map);
  });
});

function ring(latlngs) {
  const ll = latlngs.map(p => [+p.lng.toFixed(7), +p.lat.toFixed(7)]);
  ll.push(ll[0]);
  // RFC 7946: exterior ring counter-clockwise.
  let a = 0; for (let i = 0; i < ll.length - 1; i++) a += ll[i][0] * ll[i+1][1] - ll[i+1][0] * ll[i][1];
  return a < 0 ? ll.reverse() : ll;
}
function formProperties() {
  const p = {};
  for (const el of $('#form').querySelectorAll('input')) {
    const v = el.value.trim(); if (!v) continue;
    p[el.name] = (el.name === 'name' || el.name === 'industry' || isNaN(Number(v))) ? v : Number(v);
  }
  return p;
}
// What is sent: one Feature, or a FeatureCollection when the file held several sites.
function applications(index) {
  if (!sites.length) throw new Error('先画出或上传地块 draw or upload a site first');
  if (sites.length === 1) {
    // The form shows the file's fields; what the official cleared there is cleared, the rest of the file's properties stay.
    const base = Object.assign({}, sites[0].properties);
    for (const el of $('#form').querySelectorAll('input')) delete base[el.name];
    return {type:'Feature', properties: Object.assign(base, formProperties()), geometry: sites[0].geometry};
  }
  const pick = index == null ? sites : [sites[index]];
  const fs = pick.map(s => ({type:'Feature', properties: s.properties, geometry: s.geometry}));
  return fs.length === 1 ? fs[0] : {type:'FeatureCollection', features: fs};
}
function fill(p) { for (const el of $('#form').querySelectorAll('input')) el.value = p[el.name] ?? ''; }
function clearHighlight() { for (const id in byId) byId[id].layer.setStyle(byId[id].style); }
// The zones a finding's fail or warn rests on: those the site lies in or across. A zone named
// only by its distance (the nearest platforms of a site outside every platform) is advice.
function involvement(r) {
  const out = {};
  for (const f of r.findings || []) if (f.outcome === 'fail' || f.outcome === 'warn') for (const z of f.zones || []) {
    const nearest = z.distance_km != null && z.overlap_mu == null && z.share == null;
    const v = out[z.id] || (out[z.id] = {outcome: f.outcome, nearest: true});
    if (!nearest) v.nearest = false;
    if (f.outcome === 'fail') v.outcome = 'fail';
  }
  return out;
}
function counties(r) { return Array.isArray(r.counties) ? r.counties.map(c => c.name).join('、') : String(r.counties || '').replace(/,/g, '、'); }
function render(r) {
  const v = $('#verdict');
  v.textContent = `${r.verdict.toUpperCase()} · ${ZH[r.verdict] || ''}`;
  v.className = r.verdict; v.dataset.verdict = r.verdict;
  const s = $('#summary');
  s.innerHTML = `<b>${esc(r.name)}</b><br>面积 <span id="area">${esc(r.area_mu)}</span> 亩 · ${esc(counties(r))}`;
  s.dataset.areaMu = r.area_mu;
  const findings = r.findings || [];
  $('#findings').innerHTML = '<table>' + findings.map(f => `<tr class="finding" data-outcome="${esc(f.outcome)}"><td class="o-${esc(f.outcome)}">${esc(f.outcome)}</td>
    <td><b>${esc(f.rule)}${f.check ? '/' + esc(f.check) : ''}</b> ${f.measured != null ? esc(f.measured) + ' ' + esc(f.unit||'') : ''}${f.limit != null ? ' (限 ' + esc(f.limit) + ')' : ''}
    <br>${esc(f.explanation_zh)}<br><span class="note">${esc((f.zones||[]).map(z => z.name + (z.distance_km != null ? ' ' + z.distance_km + ' km' : '')).join('、'))} [${esc((f.citation||[]).join(', '))}]</span></td></tr>`).join('') + '</table>';
  clearHighlight();
  const inv = involvement(r), offending = [], nearest = [];
  for (const [id, v] of Object.entries(inv)) {
    const h = byId[id]; if (!h) continue;
    if (v.nearest) { h.layer.setStyle({color: '#1f5fb4', weight: 2.5, dashArray: '6 4'}); nearest.push(id); }
    else { h.layer.setStyle({color: '#d00000', weight: 4, dashArray: null, fillOpacity: v.outcome === 'fail' ? 0.45 : 0.3}); h.layer.bringToFront(); offending.push(id); }
  }
  document.body.dataset.offending = offending.sort().join(' ');
  document.body.dataset.nearest = nearest.sort().join(' ');
  if (siteLayer) siteLayer.bringToFront();
  document.body.dataset.state = 'vetted';
}
// Several sites: one row each; a row shows that site's findings on the map.
function renderList(list) {
  results = list;
  $('#results').innerHTML = list.length < 2 ? '' : '<table><tr><th>#</th><th>名称 name</th><th>亩</th><th>结论</th></tr>' + list.map((r, i) =>
    `<tr class="result" data-index="${i}" data-verdict="${esc(r.verdict)}" data-area-mu="${esc(r.area_mu)}"><td>${i + 1}</td><td>${esc(r.name)}</td><td>${esc(r.area_mu)}</td><td class="${esc(r.verdict)}">${esc(ZH[r.verdict] || r.verdict)}</td></tr>`).join('') + '</table>';
  for (const tr of document.querySelectorAll('#results tr.result')) tr.onclick = () => select(+tr.dataset.index);
  select(0);
}
function select(i) {
  for (const tr of document.querySelectorAll('#results tr.result')) tr.classList.toggle('selected', +tr.dataset.index === i);
  if (results[i]) render(results[i]);
}
async function post(url, body, headers) {
  const r = await fetch(url, {method:'POST', body, headers});
  const text = await r.text();
  if (!r.ok) {
    let m = text;
    try { const j = JSON.parse(text); m = j.error + (j.errors && j.errors.length > 1 ? ` (+${j.errors.length - 1} more: ${j.errors.slice(1).join('; ')})` : ''); } catch (_) {}
    throw new Error(m);
  }
  return text;
}
async function vet() {
  status('审查中 vetting…');
  try {
    const out = JSON.parse(await post('/vet', JSON.stringify(applications()), {'Content-Type':'application/geo+json'}));
    renderList(Array.isArray(out) ? out : [out]);
    fitSites();
    status(Array.isArray(out) ? `已逐一审查 ${out.length} 块地 ${out.length} sites vetted one by one` : '审查完成 vetted');
  } catch (e) { status(e.message, true); $('#verdict').textContent = ''; document.body.dataset.state = 'error'; }
}
$('#vet').onclick = vet;
$('#report').onclick = async () => {
  try {
    const i = document.querySelector('#results tr.selected')?.dataset.index;
    const html = await post('/report', JSON.stringify(applications(i == null ? null : +i)), {'Content-Type':'application/geo+json'});
    const w = window.open('', '_blank'); w.document.write(html); w.document.close();
  } catch (e) { status(e.message, true); }
};
$('#record').onclick = async () => {
  try {
    const token = $('#token').value.trim();
    const q = new URLSearchParams(); if ($('#official').value.trim()) q.set('official', $('#official').value.trim());
    const d = JSON.parse(await post('/decisions?' + q, JSON.stringify(applications()), {'Content-Type':'application/geo+json', 'Authorization':'Bearer ' + token}));
    const list = Array.isArray(d) ? d : [d];
    renderList(list.map(x => x.result));
    $('#recorded').innerHTML = list.map(x => `决定 decision ${esc(x.id)} · ${esc(chinaTime(x.recorded_at))} <a href="/decisions/${esc(x.id)}/report" target="_blank">报告 report</a>`).join('<br>');
  } catch (e) { status(e.message, true); }
};

// Cases (a workspace with people): the panel shows a case's state and steps, and offers the steps
// the token's person may take now (the server says which: GET /cases/{id} with the token).
const STEP = {'review-pass':'审核通过 Pass', 'review-return':'退回 Return', 'resubmit':'重新提交 Resubmit (the site above)', 'sign':'签发 Sign'};
if (CFG.workspace) $('#case-panel').hidden = false;
function caseAuth() { const t = $('#case-token').value.trim(); return t ? {'Authorization': 'Bearer ' + t} : {}; }
async function loadCase(id) {
  const r = await fetch('/cases/' + encodeURIComponent(id), {headers: caseAuth()});
  const c = await r.json();
  if (!r.ok) { status(c.error, true); return; }
  $('#case-id').value = c.id;
  $('#case-state').dataset.state = c.state;
  $('#case-state').innerHTML = `案件 case ${esc(c.id)} · ${esc(c.name)} · <b>${esc(c.state_zh)}</b> (${esc(c.state)})` + (c.as ? ` · ${esc(c.as.name)}` : '')
    + (c.decision_id ? ` · 决定 decision ${esc(c.decision_id)}` : '') + ` · <a href="/cases/${esc(c.id)}/report" target="_blank">报告 report</a>`;
  $('#case-steps').innerHTML = '<table>' + c.steps.map(s => `<tr><td>${esc(s.seq)}</td><td>${esc(s.step)}</td><td>${esc(s.person)}</td><td>${esc(chinaTime(s.at))}</td><td>${esc(s.verdict)}</td><td>${esc(s.note)}</td></tr>`).join('') + '</table>';
  const actions = c.actions || [];
  $('#case-actions').dataset.actions = actions.join(' ');
  $('#case-actions').innerHTML = '';
  for (const a of actions) {
    const b = document.createElement('button'); b.textContent = STEP[a] || a; b.dataset.step = a;
    b.onclick = () => takeStep(c.id, a); $('#case-actions').appendChild(b);
  }
}
async function takeStep(id, step) {
  try {
    const note = encodeURIComponent($('#case-note').value.trim());
    if (step === 'resubmit') await post(`/cases/${id}/resubmit?note=${note}`, JSON.stringify(applications()), {...caseAuth(), 'Content-Type':'application/geo+json'});
    else if (step === 'sign') await post(`/cases/${id}/sign?note=${note}`, '', caseAuth());
    else await post(`/cases/${id}/review?verdict=${step === 'review-pass' ? 'pass' : 'return'}&note=${note}`, '', caseAuth());
    status(`${STEP[step] || step}: 完成 done`);
  } catch (e) { status(e.message, true); }
  await loadCase(id);
}
$('#case-load').onclick = () => loadCase($('#case-id').value.trim());
$('#case-open').onclick = async () => {
  try {
    const note = encodeURIComponent($('#case-note').value.trim());
    const c = JSON.parse(await post(`/cases?note=${note}`, JSON.stringify(applications()), {...caseAuth(), 'Content-Type':'application/geo+json'}));
    await loadCase(c.id);
  } catch (e) { status(e.message, true); }
};

// Upload: the file goes to the server as it is (GeoJSON with every feature, part and hole, a
// `crs` the server honours, or a 报部 TXT); what comes back is each site in lon/lat with its
// result. A file the server refuses is refused here too, with the server's reason.
async function upload(file) {
  clearSites(); clearHighlight();
  const bytes = await file.arrayBuffer();
  const txt = /\.txt$/i.test(file.name);
  let given = [];
  if (!txt) {
    let j;
    try { j = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) { throw new Error(`${file.name}: not GeoJSON (${e.message})`); }
    if (j.type === 'FeatureCollection') {
      if (!Array.isArray(j.features) || !j.features.length) throw new Error(`${file.name}: the FeatureCollection holds no feature`);
      given = j.features.map(f => (f && f.properties) || {});
    } else if (j.type === 'Feature') given = [j.properties || {}];
    else throw new Error(`${file.name}: expected a GeoJSON Feature or FeatureCollection, got type ${JSON.stringify(j.type)}`);
  }
  const q = new URLSearchParams({format: 'geojson'});
  if (txt) for (const [k, v] of Object.entries(formProperties())) q.set(k, v);
  let fc;
  try { fc = JSON.parse(await post('/vet?' + q, bytes, {'Content-Type': txt ? 'text/plain' : 'application/geo+json'})); }
  catch (e) { throw new Error(`${file.name} 未审查 not vetted: ${e.message}`); }
  sites = fc.features.map((f, i) => ({geometry: f.geometry, properties: txt ? Object.assign(formProperties(), {parcel_number: f.properties.parcel_number}) : given[i]}));
  if (sites.length === 1 && !txt) fill(sites[0].properties);
  const multi = sites.length > 1;
  $('#formset').disabled = multi; $('#multi').hidden = !multi;
  showSites(true);
  renderList(fc.features.map(f => f.properties));
  status(multi ? `${file.name}: ${sites.length} 块地已逐一审查 ${sites.length} sites vetted one by one` : `${file.name}: 已上传并审查 uploaded and vetted`);
}
$('#upload').onchange = async e => {
  const file = e.target.files[0]; if (!file) return;
  try { await upload(file); } catch (err) { clearSites(); status(err.message, true); document.body.dataset.state = 'error'; }
};

// Test hooks. /map?demo=NAME loads GeoData/examples/NAME.geojson and vets it as a drawn site;
// /map?upload=NAME passes the example file through the upload above, as a file chosen by hand;
// /map?probe=LON,LAT;LON,LAT writes each point's read-out into #probe, ?time=ISO the time as shown into #probe-time.
const params = new URLSearchParams(location.search), demo = params.get('demo'), uploadName = params.get('upload'), probe = params.get('probe');
// /map?case=ID shows a case; a token in the fragment (#token=…, never sent to the server) acts as that person.
if (params.get('case')) {
  const t = new URLSearchParams(location.hash.slice(1)).get('token');
  if (t) $('#case-token').value = t;
  loadCase(params.get('case'));
}
const hook = demo || uploadName;
if (params.get('time')) $('#probe-time').textContent = chinaTime(params.get('time'));
if (probe) $('#probe').textContent = JSON.stringify(probe.split(';').map(s => { const [lon, lat] = s.split(',').map(Number);
  return Object.assign({lon, lat, text: coordText(L.latLng(lat, lon))}, GK(lon, lat)); }));
if (demo) loaded.then(async () => {
  const j = await (await fetch('/examples/' + encodeURIComponent(demo))).json();
  const f = j.type === 'FeatureCollection' ? j.features[0] : j;
  fill(f.properties);
  sites = [{geometry: f.geometry, properties: f.properties}];
  showSites(true);
  await vet();
});
if (uploadName) loaded.then(async () => {
  const blob = await (await fetch('/examples/' + encodeURIComponent(uploadName))).blob();
  try { await upload(new File([blob], uploadName + '.geojson')); } catch (err) { clearSites(); status(err.message, true); document.body.dataset.state = 'error'; }
});
</script>
</body></html>
"""#
}
