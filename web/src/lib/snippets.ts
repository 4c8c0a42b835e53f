/** Copy-ready client snippets for a model's REST inference endpoint. */
export function clientSnippets(origin: string, modelId: string): Record<'curl' | 'Python' | 'TypeScript', string> {
  const url = `${origin}/api/v1/inference/${modelId}`;
  return {
    curl: `curl -s ${url} \\\n  -H "X-Access-Token: $MODELPORT_TOKEN" \\\n  -F image=@photo.jpg`,
    Python: `import os, requests\n\nwith open("photo.jpg", "rb") as photo:\n    response = requests.post(\n        "${url}",\n        headers={"X-Access-Token": os.environ["MODELPORT_TOKEN"]},\n        files={"image": photo},\n    )\nresponse.raise_for_status()\nprint(response.json()["results"][0])`,
    TypeScript: `import { readFile } from 'node:fs/promises';\n\nconst form = new FormData();\nform.append('image', new Blob([await readFile('photo.jpg')]), 'photo.jpg');\nconst response = await fetch('${url}', {\n  method: 'POST',\n  headers: { 'X-Access-Token': process.env.MODELPORT_TOKEN! },\n  body: form,\n});\nconsole.log((await response.json()).results[0]);`,
  };
}
