System.Console.WriteLine("clusterctl");
