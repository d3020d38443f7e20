using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupportChat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContactEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContactEmail",
                table: "Groups",
                type: "TEXT",
                maxLength: 254,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContactEmail",
                table: "Groups");
        }
    }
}
