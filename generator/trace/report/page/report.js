// The page of `tracegen report`: reads the embedded meta data and the gzip'd record columns,
// draws a lane per CPU on a canvas (events as ticks, spans as bars; what falls on one pixel is
// drawn once), and fills the tables and histograms. No network, no libraries.
'use strict';
(async () => {
  const meta = JSON.parse(document.getElementById('meta').textContent);
  // the title as the data holds it: HTML text cannot carry every string (a lone surrogate), JSON can
  document.title = document.querySelector('h1').textContent = `${meta.schema}: ${meta.input}`;
  if (meta.bucketed) {
    // a large trace: the timeline keeps a record per CPU, event and slice (report-data.ts); the figures are exact
    const note = document.createElement('p');
    note.className = 'note';
    note.id = 'bucketed';
    note.textContent = `The timeline shows ${meta.bucketed.kept} of ${meta.bucketed.of} records: the first of each CPU and event in each 1/${meta.bucketed.buckets} of the time range. Counts, percentiles and histograms below are of every record. tracegen report --full keeps them all.`;
    document.getElementById('timeline-wrap').after(note);
  }
  const packed = Uint8Array.from(atob(document.getElementById('records').textContent.trim()), (c) => c.charCodeAt(0));
  const raw = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  const col = (name, Type) => new Type(raw, meta.layout[name][0], meta.layout[name][1]);
  const deltas = col('ts', Float64Array);
  const n = deltas.length;
  const ts = new Float64Array(n);
  for (let i = 0, t = 0; i < n; i++) ts[i] = t += deltas[i];
  const cpu = col('cpu', Uint8Array);
  const id = col('id', Uint8Array);
  const words = col('words', Uint32Array);
  const spanBegin = col('spanBegin', Float64Array);
  const spanEnd = col('spanEnd', Float64Array);
  const spanCpu = col('spanCpu', Uint8Array);
  const spanIndex = col('spanIndex', Uint16Array);

  // ---- the record formatter: decode --format table's text, from the runtime's field reader (codec, embedded before this script)
  const B = BigInt;
  const word = (i, w) => (B(words[i * 5 + w * 2 + 1]) << 32n) | B(words[i * 5 + w * 2]);
  // rates as stats prints them (stats-format.ts rateText): 3 significant digits, never an exponent
  const strings = new Map(meta.strings);
  const rateText = (r) => (r >= 100 ? String(Math.round(r)) : Number(r.toPrecision(3)).toString());
  /** The fields of record i as the table prints them after the event name. */
  function fieldsText(i) {
    const e = meta.fields[id[i]];
    if (!e) return `data0=0x${word(i, 0).toString(16)} data1=0x${word(i, 1).toString(16)}`;
    const args = words[i * 5 + 4];
    return e.fields
      .map((f, k) => {
        const { text, issue } = codec.readField(f, words[i * 5 + f.word * 2], words[i * 5 + f.word * 2 + 1], strings);
        const argument = args & codec.argumentMisfitBit(k) ? codec.argumentMisfitText(f.kind === 'int', f.width) : undefined;
        const issues = [issue, argument].filter((x) => x);
        return `${f.name}=${text}${issues.length ? ` (!${issues.join('; ')})` : ''}`;
      })
      .join(' ');
  }
  const eventName = (i) => (meta.fields[id[i]] ? meta.fields[id[i]].name : `unknown(${id[i]})`);
  const tsText = (t) => (meta.frequency ? ((t + meta.first) / meta.frequency).toFixed(9) + ' s' : String(t + meta.first));
  const recordText = (i) => `${tsText(ts[i])}  cpu ${cpu[i]}  ${eventName(i)} ${fieldsText(i)}`;

  // ---- lanes: one per CPU, each an index list sorted by time; named as a runtime trace's threads named their rings
  const threadNames = new Map(meta.stats.threads.map((t) => [t.ring, t.name]));
  const laneLabel = (c) => threadNames.get(c) ?? `${meta.laneName} ${c}`;
  const cpus = [...new Set(cpu)].sort((a, b) => a - b);
  const lanes = new Map(cpus.map((c) => [c, []]));
  for (let i = 0; i < n; i++) lanes.get(cpu[i]).push(i);
  const laneIdx = new Map([...lanes].map(([c, list]) => [c, Uint32Array.from(list)]));
  const laneSpans = new Map(cpus.map((c) => [c, []]));
  for (let s = 0; s < spanBegin.length; s++) (laneSpans.get(spanCpu[s]) ?? laneSpans.set(spanCpu[s], []).get(spanCpu[s])).push(s);
  const end = n ? ts[n - 1] : 1;
  let view = [0, Math.max(end, 1)];

  const canvas = document.getElementById('timeline');
  const wrap = document.getElementById('timeline-wrap');
  const tip = document.getElementById('tip');
  const LANE = 34;
  const LABEL = 64;
  const ctx = canvas.getContext('2d');
  const hue = (e) => (e * 137.5) % 360;
  function size() {
    const dpr = window.devicePixelRatio || 1;
    canvas.style.height = `${Math.max(1, cpus.length) * LANE + 18}px`;
    canvas.width = canvas.clientWidth * dpr;
    canvas.height = canvas.clientHeight * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
  const plotWidth = () => canvas.clientWidth - LABEL;
  const xOf = (t) => LABEL + ((t - view[0]) / (view[1] - view[0])) * plotWidth();
  const tOf = (x) => view[0] + ((x - LABEL) / plotWidth()) * (view[1] - view[0]);
  function lowerBound(idx, t) {
    let lo = 0, hi = idx.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (ts[idx[m]] < t) lo = m + 1; else hi = m; }
    return lo;
  }
  function draw() {
    const w = canvas.clientWidth;
    ctx.clearRect(0, 0, w, canvas.clientHeight);
    ctx.font = '11px system-ui, sans-serif';
    cpus.forEach((c, lane) => {
      const y = lane * LANE;
      ctx.fillStyle = lane % 2 ? '#f7f8fa' : '#fff';
      ctx.fillRect(0, y, w, LANE);
      ctx.fillStyle = '#39404f';
      ctx.fillText(laneLabel(c), 6, y + 20);
      // spans: bars in the upper half; what is narrower than a pixel is drawn as one
      const drawn = new Uint8Array(w);
      for (const s of laneSpans.get(c) ?? []) {
        if (spanEnd[s] < view[0] || spanBegin[s] > view[1]) continue;
        const x0 = Math.max(LABEL, xOf(spanBegin[s]));
        const x1 = Math.min(w, xOf(spanEnd[s]));
        if (x1 - x0 < 1) { const px = x0 | 0; if (drawn[px]) continue; drawn[px] = 1; }
        ctx.fillStyle = `hsla(${hue(spanIndex[s] + 7)}, 55%, 55%, 0.75)`;
        ctx.fillRect(x0, y + 4, Math.max(1, x1 - x0), 11);
      }
      // events: ticks in the lower half, one per pixel column
      const idx = laneIdx.get(c);
      const from = lowerBound(idx, view[0]);
      const to = lowerBound(idx, view[1] + 1e-9);
      const tick = new Int16Array(w).fill(-1);
      for (let k = from; k < to; k++) {
        const i = idx[k];
        const px = xOf(ts[i]) | 0;
        if (px >= LABEL && px < w && tick[px] < 0) tick[px] = id[i];
      }
      for (let px = LABEL; px < w; px++) if (tick[px] >= 0) { ctx.fillStyle = `hsl(${hue(tick[px])}, 60%, 40%)`; ctx.fillRect(px, y + 18, 1, 12); }
    });
    const axisY = cpus.length * LANE;
    ctx.fillStyle = '#5a6272';
    ctx.fillText(tsText(view[0]), LABEL, axisY + 13);
    const right = tsText(view[1]);
    ctx.fillText(right, w - ctx.measureText(right).width - 4, axisY + 13);
    document.getElementById('range').textContent = `shown: ${tsText(view[0])} to ${tsText(view[1])}`;
    document.getElementById('range').dataset.from = String(view[0]);
    document.getElementById('range').dataset.to = String(view[1]);
  }
  function zoom(factor, atX) {
    const t = tOf(atX);
    const span = Math.max(1e-3, (view[1] - view[0]) * factor);
    const f = (atX - LABEL) / plotWidth();
    view = [t - f * span, t - f * span + span];
    draw();
  }
  function pan(dx) {
    const dt = (dx / plotWidth()) * (view[1] - view[0]);
    view = [view[0] - dt, view[1] - dt];
    draw();
  }
  /** The record nearest the pointer, within 4 pixels, in the lane under it. */
  function hit(x, y) {
    const c = cpus[Math.floor(y / LANE)];
    if (c === undefined || x < LABEL) return undefined;
    const idx = laneIdx.get(c);
    const k = lowerBound(idx, tOf(x));
    let best;
    for (const j of [k - 1, k]) {
      if (j < 0 || j >= idx.length) continue;
      const d = Math.abs(xOf(ts[idx[j]]) - x);
      if (d <= 4 && (best === undefined || d < best.d)) best = { i: idx[j], d };
    }
    return best?.i;
  }
  let drag;
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 0.8 : 1.25, e.offsetX); }, { passive: false });
  canvas.addEventListener('mousedown', (e) => { drag = e.offsetX; canvas.classList.add('dragging'); });
  window.addEventListener('mouseup', () => { drag = undefined; canvas.classList.remove('dragging'); });
  canvas.addEventListener('mousemove', (e) => {
    if (drag !== undefined) { pan(e.offsetX - drag); drag = e.offsetX; tip.style.display = 'none'; return; }
    const i = hit(e.offsetX, e.offsetY);
    if (i === undefined) { tip.style.display = 'none'; return; }
    tip.textContent = recordText(i);
    tip.style.display = 'block';
    tip.style.left = `${Math.min(e.offsetX + 12, canvas.clientWidth - tip.offsetWidth - 4)}px`;
    tip.style.top = `${e.offsetY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.style.display = 'none'));
  canvas.addEventListener('click', (e) => {
    const i = hit(e.offsetX, e.offsetY);
    if (i !== undefined) { document.getElementById('record').textContent = recordText(i); document.getElementById('record').dataset.index = String(i); }
  });
  wrap.addEventListener('keydown', (e) => {
    const mid = LABEL + plotWidth() / 2;
    if (e.key === '+' || e.key === '=') zoom(0.5, mid);
    else if (e.key === '-') zoom(2, mid);
    else if (e.key === 'ArrowLeft') pan(plotWidth() / 4);
    else if (e.key === 'ArrowRight') pan(-plotWidth() / 4);
    else if (e.key === '0' || e.key === 'Home') { view = [0, Math.max(end, 1)]; draw(); }
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => { size(); draw(); });
  size();
  draw();

  // ---- the figures of `tracegen stats`
  const s = meta.stats;
  const cell = (tag, text, attrs = {}) => {
    const el = document.createElement(tag);
    el.textContent = text;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  };
  const dur = (v) => {
    if (v === null) return '-';
    if (s.unit !== 'ns') return String(v);
    const [x, u] = v >= 1e9 ? [v / 1e9, 's'] : v >= 1e6 ? [v / 1e6, 'ms'] : v >= 1e3 ? [v / 1e3, 'us'] : [v, 'ns'];
    return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}${u}`;
  };
  const events = document.getElementById('events');
  const laneCpus = [...new Set(s.events.flatMap((e) => Object.keys(e.perCpu)))].sort((a, b) => a - b);
  events.append(row('th', ['event', 'id', 'count', 'rate/s', ...laneCpus.map((c) => laneLabel(Number(c)))]));
  for (const e of s.events) {
    const tr = row('td', [e.name, e.id, e.count, e.rate === null ? '-' : rateText(Number(e.rate)), ...laneCpus.map((c) => e.perCpu[c] ?? 0)]);
    tr.dataset.event = e.name;
    tr.children[2].dataset.stat = 'count';
    tr.children[2].dataset.value = String(e.count);
    events.append(tr);
  }
  function row(tag, cells) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.append(cell(tag, String(c)));
    return tr;
  }
  const spans = document.getElementById('spans');
  spans.append(row('th', ['span', 'count', 'unmatched', 'min', 'p50', 'p90', 'p99', 'max', 'mean']));
  const hists = document.getElementById('hists');
  s.spans.forEach((sp, k) => {
    const tr = document.createElement('tr');
    tr.dataset.span = sp.name;
    tr.append(cell('td', sp.name), cell('td', String(sp.count), { 'data-stat': 'count', 'data-value': String(sp.count) }));
    tr.append(cell('td', `${sp.unmatchedBegins} begin, ${sp.unmatchedEnds} end`, { 'data-stat': 'unmatched', 'data-value': String(sp.unmatched) }));
    for (const key of ['min', 'p50', 'p90', 'p99', 'max', 'mean']) tr.append(cell('td', dur(sp[key]), { 'data-stat': key, 'data-value': String(sp[key]) }));
    spans.append(tr);
    hists.append(histogram(sp, meta.histograms[k]));
  });
  document.getElementById('spans-unit').textContent = `durations in ${s.unit}; percentiles by nearest rank`;
  function histogram(sp, buckets) {
    const box = document.createElement('div');
    box.className = 'hist';
    box.append(cell('h3', `${sp.name}: ${sp.count} durations (${s.unit}, log scale)`));
    const c = document.createElement('canvas');
    c.width = 420;
    c.height = 150;
    c.dataset.span = sp.name;
    box.append(c);
    const g = c.getContext('2d');
    if (!buckets.length) { g.fillText('no matched spans', 10, 20); return box; }
    const most = Math.max(...buckets.map((b) => b[1]));
    const w = (c.width - 20) / buckets.length;
    g.font = '10px system-ui, sans-serif';
    buckets.forEach(([k, count], j) => {
      const h = count ? Math.max(1, (count / most) * (c.height - 40)) : 0;
      g.fillStyle = `hsl(${hue(sp.name.length + 7)}, 55%, 50%)`;
      g.fillRect(10 + j * w, c.height - 22 - h, Math.max(1, w - 2), h);
      g.fillStyle = '#39404f';
      if (j % Math.ceil(buckets.length / 6) === 0) g.fillText(dur(k < 0 ? 0 : 2 ** k), 10 + j * w, c.height - 8);
    });
    for (const [p, v] of [['p50', sp.p50], ['p99', sp.p99]]) {
      if (v === null) continue;
      const k = v < 1 ? -1 : Math.floor(Math.log2(v));
      const j = buckets.findIndex((b) => b[0] === k);
      const x = 10 + (j + (v < 1 ? 0.5 : v / 2 ** k - 1)) * w;
      g.fillStyle = '#c0392b';
      g.fillRect(x, 12, 1, c.height - 34);
      g.fillText(p, x + 2, 20);
    }
    return box;
  }
  // counter fields (stats' figures): min, max, mean and the latest value
  const counters = document.getElementById('counters');
  if (s.counters.length) {
    counters.append(row('th', ['counter', 'count', 'min', 'max', 'mean', 'last']));
    const v = (x, unit) => (x === null ? '-' : `${Number(Number(x).toPrecision(6))}${unit ? ` ${unit}` : ''}`);
    for (const c of s.counters)
      counters.append(row('td', [`${c.event}.${c.field}`, c.count, v(c.min, c.unit), v(c.max, c.unit), v(c.mean, c.unit), v(c.last, c.unit)]));
    const plots = document.getElementById('counter-plots');
    for (const c of s.counters) plots.append(counterPlot(c));
  } else counters.closest('section').remove();
  /**
   * A counter's values over the trace's time, as a step line: each record of its event that the
   * timeline holds, read by the codec (a value that does not fit its field is no point).
   */
  function counterPlot(c) {
    const box = document.createElement('div');
    box.className = 'hist';
    box.append(cell('h3', `${c.event}.${c.field}${c.unit ? ` (${c.unit})` : ''}`));
    const canvas = document.createElement('canvas');
    canvas.width = 420;
    canvas.height = 120;
    canvas.dataset.counter = `${c.event}.${c.field}`;
    box.append(canvas);
    const e = Object.entries(meta.fields).find(([, f]) => f.name === c.event);
    const f = e && e[1].fields.find((x) => x.name === c.field);
    const points = [];
    for (let i = 0; f && i < n; i++) {
      if (id[i] !== Number(e[0])) continue;
      const { value, issue } = codec.readField(f, words[i * 5 + f.word * 2], words[i * 5 + f.word * 2 + 1]);
      if (!issue) points.push([ts[i], Number(value)]);
    }
    canvas.dataset.points = String(points.length);
    const g = canvas.getContext('2d');
    g.font = '10px system-ui, sans-serif';
    if (!points.length) {
      g.fillText('no values', 10, 20);
      return box;
    }
    const lo = Math.min(...points.map((p) => p[1]));
    const hi = Math.max(...points.map((p) => p[1]));
    const t0 = ts[0] ?? 0;
    const t1 = n ? ts[n - 1] : 1;
    const x = (t) => 40 + ((t - t0) / Math.max(1, t1 - t0)) * (canvas.width - 50);
    const y = (v) => canvas.height - 16 - ((v - lo) / Math.max(1, hi - lo)) * (canvas.height - 34);
    g.strokeStyle = `hsl(${hue(c.field.length + 3)}, 55%, 45%)`;
    g.beginPath();
    points.forEach(([t, v], k) => {
      if (k === 0) g.moveTo(x(t), y(v));
      else {
        g.lineTo(x(t), y(points[k - 1][1]));
        g.lineTo(x(t), y(v));
      }
    });
    g.lineTo(x(t1), y(points[points.length - 1][1]));
    g.stroke();
    g.fillStyle = '#39404f';
    g.fillText(String(hi), 2, 20);
    g.fillText(String(lo), 2, canvas.height - 14);
    return box;
  }
  const lost = document.getElementById('lost');
  if (s.lost.length) {
    lost.append(row('th', ['ring', 'overwritten', 'dropped']));
    for (const l of s.lost) lost.append(row('td', [l.ring, l.overwritten, l.dropped]));
  } else lost.replaceWith(cell('p', 'nothing lost that the input tells of', { class: 'note' }));
  document.body.dataset.ready = 'true';
})().catch((e) => {
  document.body.dataset.ready = 'error';
  console.error(e);
});
