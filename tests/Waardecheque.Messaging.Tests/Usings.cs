global using Waardecheque.Domain;
global using Waardecheque.EventStore;
global using Waardecheque.Messaging;
global using Waardecheque.Testing;
