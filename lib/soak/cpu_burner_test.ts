import { assertEquals, assertGreater } from "@std/assert";
import { CpuBurner } from "./cpu_burner.ts";

Deno.test({
  name: "CpuBurner keeps a core busy and stops when disposed",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    // Spin a reference loop alone, then beside one burner per core: the
    // same loop must take longer while the cores are shared.
    const loop = () => {
      const start = performance.now();
      let x = 0;
      for (let i = 0; i < 30_000_000; i++) x = (x + i) % 1_000_003;
      return [performance.now() - start, x][0];
    };
    const alone = loop();
    {
      using burner = CpuBurner.start();
      assertEquals(burner.size, navigator.hardwareConcurrency);
      await new Promise((r) => setTimeout(r, 100)); // let the workers start spinning
      assertGreater(loop(), alone);
    }
  },
});
