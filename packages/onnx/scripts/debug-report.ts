import { convertModel, readModel } from '../src/index.js';
const { model, report } = await convertModel(readModel(process.argv[2]), { verify: false });
console.log(JSON.stringify({ ...report, regions: report.regions.map((r) => ({ ...r, nodes: r.nodes.length })) }, null, 1).slice(0, 6000));
console.log(model.graph!.node.map((n) => n.opType).join(' '));
