// Export the current view of the cluster for slides: one standalone SVG (links, nodes with
// their state, role and term, the caption), or the same drawn into a PNG.
import { NODES } from './reducer.js';
import { POSITIONS, termColour } from './view-cluster.js';

const FILL = { up: '#ffffff', frozen: '#dff1fb', paused: '#fbf7c9', killed: '#dddddd' };

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c]));
}

export function snapshotSvg(root, state) {
  const links = root.querySelector('#links').cloneNode(true);
  links.querySelectorAll('.svg-node').forEach((g) => g.remove());
  const parts = [];
  for (const n of NODES) {
    const node = state.nodes[n];
    const s = node.status || {};
    const [x, y] = POSITIONS[n];
    const leader = state.mode === 'CP' && s.role === 'leader';
    parts.push(`<rect x="${x - 80}" y="${y - 42}" width="160" height="84" rx="10" fill="${FILL[node.fault] || '#fff'}" stroke="${leader ? '#0072B2' : '#111'}" stroke-width="${leader ? 5 : 3}" ${node.fault === 'up' ? '' : 'stroke-dasharray="6 4"'}/>`);
    parts.push(`<text x="${x}" y="${y - 16}" font-size="18" font-weight="700" text-anchor="middle">Node ${n}</text>`);
    const role = state.mode === 'CP' && s.role ? `${s.role.toUpperCase()} · term ${s.term}` : state.mode;
    parts.push(`<text x="${x}" y="${y + 6}" font-size="15" text-anchor="middle" fill="${state.mode === 'CP' ? termColour(s.term) : '#111'}">${escapeXml(role)}</text>`);
    parts.push(`<text x="${x}" y="${y + 28}" font-size="14" text-anchor="middle">${escapeXml(node.fault)}</text>`);
  }
  const body = links.innerHTML;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 440" width="1120" height="880" font-family="DejaVu Sans, sans-serif">
<rect width="560" height="440" fill="#fff"/>
<style>.link{stroke:#bbb;stroke-width:2}.link.cut{stroke:#D55E00;stroke-dasharray:6 6}.msg.send{fill:#0072B2}.msg.reply{fill:#009E73}.msg.failed{fill:#D55E00}</style>
${body}
${parts.join('\n')}
<text x="10" y="428" font-size="14">${escapeXml(`sysdist ${state.mode} — ${state.caption.text}`)}</text>
</svg>`;
}

function download(url, name) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function exportSvg(root, state) {
  const url = URL.createObjectURL(new Blob([snapshotSvg(root, state)], { type: 'image/svg+xml' }));
  download(url, `sysdist-${state.mode}-${new Date(state.t).toISOString()}.svg`);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function exportPng(root, state) {
  const url = URL.createObjectURL(new Blob([snapshotSvg(root, state)], { type: 'image/svg+xml' }));
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1120;
    canvas.height = 880;
    canvas.getContext('2d').drawImage(image, 0, 0, 1120, 880);
    URL.revokeObjectURL(url);
    canvas.toBlob((png) => {
      const pngUrl = URL.createObjectURL(png);
      download(pngUrl, `sysdist-${state.mode}-${new Date(state.t).toISOString()}.png`);
      setTimeout(() => URL.revokeObjectURL(pngUrl), 10000);
    });
  };
  image.src = url;
}
