// The upstream every gateway in the benchmark calls: an OpenAI-compatible /v1/chat/completions that answers at once
// with a fixed completion and its usage. Node's http module, one process: the floor the gateways are measured from.
import http from 'node:http';

const port = Number(process.argv[2] ?? 18080);
const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
});

http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
}).listen(port, '127.0.0.1');
