// A driver that prints something other than its protocol, then waits.
console.log("Segmentation fault? no: just garbage");
setInterval(() => {}, 1000);
