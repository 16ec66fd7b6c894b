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
</style></head>
<body><div id="app">
<div id="panel">
<h1>嘉兴工业项目选址审查 ZonePlanner</h1>
<div class="note">点击地图查询该处适用规则；画出或上传地块，填写项目信息后审查。Click the map to see what applies there; draw or upload a site, fill in the project and vet it.</div>
<h2>地块 Site</h2>
<div class="row"><button id="draw">画地块 Draw</button><button id="finish" disabled>完成 Finish</button><button id="clear">清除 Clear</button></div>
<div class="row"><input type="file" id="upload" accept=".geojson,.json,.txt"> <span class="note">GeoJSON 或报部 TXT</span></div>
<h2>项目 Project</h2>
<form id="form" onsubmit="return false">
<label>项目名称 name <input name="name" required></label>
<label>行业代码 industry <input name="industry" placeholder="C3825"></label>
<label>投资 investment_wan 万元 <input name="investment_wan" inputmode="decimal"></label>
<label>产值 output_wan 万元/年 <input name="output_wan" inputmode="decimal"></label>
<label>增加值 value_added_wan <input name="value_added_wan" inputmode="decimal"></label>
<label>能耗 energy_tce 吨标煤 <input name="energy_tce" inputmode="decimal"></label>
<label>申报面积 declared_area_mu 亩 <input name="declared_area_mu" inputmode="decimal"></label>
</form>
<div class="row"><button id="vet">审查 Vet</button><button id="report">打印报告 Report</button></div>
<div id="status"></div>
<div id="verdict" data-verdict=""></div>
<div id="summary"></div>
<div id="findings"></div>
<h2>记录决定 Record the decision</h2>
<div class="row"><input type="password" id="token" placeholder="bearer token" style="width:170px"> <input id="official" placeholder="经办人 official" style="width:110px"></div>
<div class="row"><button id="record">记录 Record</button> <span id="recorded"></span></div>
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
const map = L.map('map', {zoomSnap: 0.25}).setView([30.72, 120.76], 9);
if (CFG.tiles) L.tileLayer(CFG.tiles, {maxZoom: 19, attribution: 'bureau tiles'}).addTo(map);
const CAT = {prohibited:'#d62728', ecological:'#7bc96f', optimized:'#8fb3e0', key:'#ffc94d'};
const LAYER_COLOUR = {admin:'#444444', layout:'#e08a20', platforms:'#1f5fb4', function_zones:'#2ca02c', clusters:'#9467bd'};
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
    `<i style="background:${CAT[k]}"></i>${n}`).join('<br>') + '<br><i style="background:#000;opacity:.4"></i>申请地块 site<br><i style="border:2px solid #d00000"></i>不通过/附条件 offending';
  L.DomEvent.disableClickPropagation(d);
  d.addEventListener('change', e => { const id = e.target.dataset.layer; if (!groups[id]) return;
    if (e.target.checked) { groups[id].addTo(map); reorder(); } else map.removeLayer(groups[id]); });
  return d;
};
legend.addTo(map);
function reorder() { for (const id of order) if (groups[id] && map.hasLayer(groups[id])) groups[id].bringToFront(); if (site) site.bringToFront(); }
const loaded = Promise.all(layers.map(l => fetch(`/collections/${encodeURIComponent(l.id)}/items?limit=1000`).then(r => r.json()).then(fc => {
  groups[l.id] = L.geoJSON(fc, {style: f => styleFor(l.id, f), onEachFeature: (f, lyr) => {
    byId[f.id] = {layer: lyr, style: styleFor(l.id, f)};
    lyr.bindTooltip(esc(f.properties.name), {sticky: true});
  }}).addTo(map);
}))).then(() => { reorder(); if (groups.admin && !demo) map.fitBounds(groups.admin.getBounds()); status('图层已加载 layers loaded'); })
  .catch(e => status('图层加载失败 ' + e, true));

// Drawing: click to add vertices, Finish to close the ring.
let drawing = false, vertices = [], sketch = null, site = null;
function setSite(latlngs) {
  if (site) map.removeLayer(site);
  site = L.polygon(latlngs, {color:'#000', weight:3, fillColor:'#000', fillOpacity:0.3}).addTo(map);
}
$('#draw').onclick = () => { drawing = true; vertices = []; $('#finish').disabled = false; status('点击地图添加顶点 click to add vertices, then Finish'); };
$('#finish').onclick = () => {
  drawing = false; $('#finish').disabled = true;
  if (sketch) { map.removeLayer(sketch); sketch = null; }
  if (vertices.length < 3) { status('至少三个顶点 a site needs 3 vertices', true); return; }
  setSite(vertices); status('地块已画好 site drawn');
};
$('#clear').onclick = () => { if (site) map.removeLayer(site); site = null; vertices = []; if (sketch) map.removeLayer(sketch); sketch = null; clearHighlight(); };
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
      `<b>${w.lon}, ${w.lat}</b>${w.in_jiaxing ? '' : ' 不在嘉兴市域内'}<ul>${feats}</ul><b>适用规则</b><ul>${rules}</ul>`).openOn(map);
  });
});

function ring() {
  const ll = site.getLatLngs()[0].map(p => [+p.lng.toFixed(7), +p.lat.toFixed(7)]);
  ll.push(ll[0]);
  // RFC 7946: exterior ring counter-clockwise.
  let a = 0; for (let i = 0; i < ll.length - 1; i++) a += ll[i][0] * ll[i+1][1] - ll[i+1][0] * ll[i][1];
  return a < 0 ? ll.reverse() : ll;
}
function properties() {
  const p = {};
  for (const el of $('#form').elements) {
    const v = el.value.trim(); if (!v) continue;
    p[el.name] = (el.name === 'name' || el.name === 'industry' || isNaN(Number(v))) ? v : Number(v);
  }
  return p;
}
function application() {
  if (!site) throw new Error('先画出或上传地块 draw or upload a site first');
  return {type:'Feature', properties: properties(), geometry: {type:'Polygon', coordinates: [ring()]}};
}
function fill(p) { for (const el of $('#form').elements) el.value = p[el.name] ?? ''; }
function clearHighlight() { for (const id in byId) byId[id].layer.setStyle(byId[id].style); }
function render(r) {
  const v = $('#verdict');
  v.textContent = `${r.verdict.toUpperCase()} · ${ZH[r.verdict] || ''}`;
  v.className = r.verdict; v.dataset.verdict = r.verdict;
  const counties = Array.isArray(r.counties) ? r.counties.map(c => c.name).join('、') : (r.counties || '');
  $('#summary').innerHTML = `<b>${esc(r.name)}</b><br>面积 ${esc(r.area_mu)} 亩 · ${esc(counties)}`;
  const findings = r.findings || [];
  $('#findings').innerHTML = '<table>' + findings.map(f => `<tr class="finding" data-outcome="${f.outcome}"><td class="o-${f.outcome}">${f.outcome}</td>
    <td><b>${esc(f.rule)}${f.check ? '/' + esc(f.check) : ''}</b> ${f.measured != null ? esc(f.measured) + ' ' + esc(f.unit||'') : ''}${f.limit != null ? ' (限 ' + esc(f.limit) + ')' : ''}
    <br>${esc(f.explanation_zh)}<br><span class="note">${esc((f.zones||[]).map(z => z.name).join('、'))} [${esc((f.citation||[]).join(', '))}]</span></td></tr>`).join('') + '</table>';
  clearHighlight();
  for (const f of findings) if (f.outcome === 'fail' || f.outcome === 'warn') for (const z of f.zones || []) {
    const h = byId[z.id]; if (!h) continue;
    h.layer.setStyle({color: '#d00000', weight: 4, dashArray: null, fillOpacity: f.outcome === 'fail' ? 0.45 : 0.3});
    h.layer.bringToFront();
  }
  if (site) site.bringToFront();
  document.body.dataset.state = 'vetted';
}
async function post(url, body, headers) {
  const r = await fetch(url, {method:'POST', body, headers});
  const text = await r.text();
  if (!r.ok) { let m = text; try { m = JSON.parse(text).error; } catch (_) {} throw new Error(m); }
  return text;
}
async function vet() {
  status('审查中 vetting…');
  try { render(JSON.parse(await post('/vet', JSON.stringify(application()), {'Content-Type':'application/geo+json'}))); status('审查完成 vetted'); }
  catch (e) { status(e.message, true); $('#verdict').textContent = ''; document.body.dataset.state = 'error'; }
}
$('#vet').onclick = vet;
$('#report').onclick = async () => {
  try {
    const html = await post('/report', JSON.stringify(application()), {'Content-Type':'application/geo+json'});
    const w = window.open('', '_blank'); w.document.write(html); w.document.close();
  } catch (e) { status(e.message, true); }
};
$('#record').onclick = async () => {
  try {
    const token = $('#token').value.trim();
    const q = new URLSearchParams(); if ($('#official').value.trim()) q.set('official', $('#official').value.trim());
    const d = JSON.parse(await post('/decisions?' + q, JSON.stringify(application()), {'Content-Type':'application/geo+json', 'Authorization':'Bearer ' + token}));
    render(d.result);
    $('#recorded').innerHTML = `决定 decision ${d.id} <a href="/decisions/${d.id}/report" target="_blank">报告 report</a>`;
  } catch (e) { status(e.message, true); }
};
$('#upload').onchange = async e => {
  const file = e.target.files[0]; if (!file) return;
  try {
    if (/\.txt$/i.test(file.name)) {
      const q = new URLSearchParams(); for (const [k, v] of Object.entries(properties())) q.set(k, v);
      const fc = JSON.parse(await post('/vet?format=geojson&' + q, await file.arrayBuffer(), {'Content-Type':'text/plain'}));
      const f = fc.features[0];
      setSite(L.GeoJSON.coordsToLatLngs(f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0]));
      map.fitBounds(site.getBounds(), {maxZoom: 12});
      render(f.properties); status('报部 TXT 已审查 TXT vetted');
    } else {
      const j = JSON.parse(await file.text());
      const f = j.type === 'FeatureCollection' ? j.features[0] : j;
      fill(f.properties || {});
      const g = f.geometry; const outer = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
      setSite(L.GeoJSON.coordsToLatLngs(outer)); map.fitBounds(site.getBounds(), {maxZoom: 12}); status('地块已上传 site uploaded');
    }
  } catch (err) { status(err.message, true); }
};
// Test hook: /map?demo=NAME loads GeoData/examples/NAME.geojson, vets it through /vet and
// writes the verdict into #verdict.
const demo = new URLSearchParams(location.search).get('demo');
if (demo) loaded.then(async () => {
  const j = await (await fetch('/examples/' + encodeURIComponent(demo))).json();
  const f = j.type === 'FeatureCollection' ? j.features[0] : j;
  fill(f.properties);
  const outer = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
  setSite(L.GeoJSON.coordsToLatLngs(outer));
  map.fitBounds(site.getBounds(), {maxZoom: 11.5});
  await vet();
});
</script>
</body></html>
"""#
}
