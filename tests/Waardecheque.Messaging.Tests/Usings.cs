global using JasperFx;
global using Waardecheque.Domain;
global using Waardecheque.Messaging;
global using Waardecheque.Testing;
global using IEvent = JasperFx.Events.IEvent;
