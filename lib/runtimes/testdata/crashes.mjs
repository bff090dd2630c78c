// A driver that greets, then dies on its first command.
import process from "node:process";
console.log(JSON.stringify({ hello: "closewait-node-driver", versions: {} }));
process.stdin.on("data", () => {
  process.stderr.write("boom\n");
  process.exit(3);
});
