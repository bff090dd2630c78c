// A driver that starts and never greets: NodeDriver.start must kill it.
setInterval(() => {}, 1000);
