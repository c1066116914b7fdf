using MInference.Cli;

return CliApp.Run(args);
